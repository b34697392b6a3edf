"""Which files in the inbox are left alone, and the names files get in the filed tree."""

from __future__ import annotations

import fnmatch
import re

IGNORED = ("~$*", ".~lock.*#", "*.part", "*.tmp", "*.crdownload", "*.swp", "Thumbs.db", "desktop.ini")
ACCEPTED_SUFFIXES = (".docx", ".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")  # scans and photos too
MAX_NAME_BYTES = 200
_MASK_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MASK_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def ignored(name: str) -> bool:
    """Tell whether a file is temporary, hidden or a lock file that the inbox must leave alone."""
    return name.startswith(".") or any(fnmatch.fnmatchcase(name, pattern) for pattern in IGNORED)


def filed_name(file_id: int, name: str) -> str:
    """Return a file's name in the filed tree: its ledger id first, so no two files share a name."""
    safe = name.replace("/", "_").replace("\x00", "_")
    encoded = safe.encode("utf-8", "surrogateescape")
    if len(encoded) > MAX_NAME_BYTES:
        stem, dot, ext = safe.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        keep = encoded[: MAX_NAME_BYTES - len(ext) - 1].decode("utf-8", "ignore")
        safe = keep + ("." + ext if ext else "")
    return f"{file_id:06d}__{safe}"


def mask(text: str) -> str:
    """Mask resident ID numbers and mobile phone numbers in a log line or a report."""
    return _MASK_PHONE.sub(r"\1****\2", _MASK_ID.sub(r"\1********\2", text))
