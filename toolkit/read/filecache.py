"""A file's bytes read once for the several readers of one check (its type, text, styles, signatures).

One check asks for the same file five or six times; a contract PDF is over a megabyte. The last file read is
kept while its identity on disk (device, inode, size, modification and change times) stays the same: a file
rewritten in place changes its change time, which no program can set, so it is read again.
"""

from __future__ import annotations

import os
from pathlib import Path

_LAST: list[tuple[tuple, bytes]] = []


def file_bytes(path: Path) -> bytes:
    """Return a file's bytes, read again only when the file on disk is not the one last read (raises OSError)."""
    st = os.stat(path)
    key = (os.fspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if _LAST and _LAST[0][0] == key:
        return _LAST[0][1]
    data = Path(path).read_bytes()
    if len(data) == st.st_size:  # not kept when it grew or shrank while being read
        _LAST[:] = [(key, data)]
    return data
