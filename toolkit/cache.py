"""What a fresh process would otherwise recompute, kept on disk: compiled templates, region codes, capitals.

A `loupan check` is a new process each time; compiling its template (segments and their regexes), reading
the region-code list and importing cn2an were most of its wait. Each entry is stored under a key made of
everything that shapes it (the input's bytes, the code that computes it, the Python build and its regex
engine), so a changed template, library or toolkit gives another key and an entry is never used for what
it was not made from; an entry that fails its checksum is computed afresh. Entries are written whole
(a temporary file, then a rename) or not at all.
The folder is `LOUPAN_CACHE` (empty or `off`: no cache), else `$XDG_CACHE_HOME/loupan`, else `~/.cache/loupan`;
when it cannot be read or written the value is computed as before.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the regex engine: its code format is part of the key
import atexit
import hashlib
import marshal
import os
import re
import sys
from array import array
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = 1  # raise when what is stored changes shape
TOOLKIT = Path(__file__).resolve().parent
_CODE_TYPE = next(t for t in "HIL" if array(t).itemsize == _sre.CODESIZE)  # the regex engine's code unit


def cache_dir() -> Path | None:
    """Return the folder entries are kept in, or None when caching is off."""
    env = os.environ.get("LOUPAN_CACHE")
    if env is not None:
        return None if env.strip() in ("", "off") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "loupan"


@lru_cache(maxsize=16)
def code_digest(*files: Path) -> str:
    """Return a digest of the code that computes an entry: these files, this module, the Python build."""
    h = hashlib.sha256(f"{FORMAT}|{sys.version}|{_engine()}".encode())
    for path in (Path(__file__), *files):
        h.update(path.read_bytes())
    return h.hexdigest()


def library_file(package: str, name: str) -> Path:
    """Return a file of an installed package without importing it (importing is what the cache avoids)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(package)
    return Path(next(iter(spec.submodule_search_locations))) / name


def _engine() -> str:
    return f"{_sre.MAGIC}.{_sre.CODESIZE}.{sys.implementation.cache_tag}"


def cached(key: str, build: Callable[[], Any], dump: Callable[[Any], Any], load: Callable[[Any], Any]) -> Any:
    """Return what `build` makes, from the entry `key` when there is one; store it when there was not."""
    folder = cache_dir()
    path = folder / f"{key}.marshal" if folder else None
    if path is not None:
        data = _read(path, key)
        if data is not None:
            return load(data)
    value = build()
    if path is not None:
        _write(path, key, dump(value))
    return value


def _read(path: Path, key: str) -> Any:
    """Return an entry's data, or None when it is missing, damaged or for another key."""
    try:
        raw = path.read_bytes()
        digest, body = raw[:32], raw[32:]
        if hashlib.sha256(body).digest() != digest:
            return None
        stored_key, data = marshal.loads(body)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if stored_key == key else None


def _write(path: Path, key: str, data: Any) -> None:
    """Write an entry whole (temporary file, then rename) or not at all; a read-only place is no error."""
    import tempfile  # only a first computation writes

    try:
        body = marshal.dumps((key, data))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".marshal")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(body).digest() + body)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        return


class Memo:
    """Answers of a pure function kept between processes, in 256 small files by the argument's hash.

    A process reads only the files of the arguments it asks about; new answers are written when it ends,
    merged with what other processes wrote meanwhile, each file keeping its latest LIMIT answers.
    """

    LIMIT = 1000  # answers kept per file (256 files): a lookup reads at most one small file

    def __init__(self, name: str, key: Callable[[], str]):
        self.name, self._key = name, key
        self._shards: dict[str, dict[str, str]] = {}
        self._new: dict[str, dict[str, str]] = {}

    def get(self, arg: str) -> str | None:
        """Return the remembered answer for arg, or None."""
        return self._shard(arg).get(arg)

    def put(self, arg: str, answer: str) -> None:
        """Remember an answer; it is written when the process ends."""
        self._shard(arg)[arg] = answer
        if not self._new:
            atexit.register(self.flush)
        self._new.setdefault(_shard_of(arg), {})[arg] = answer

    def flush(self) -> None:
        """Write the new answers, merged with what other processes wrote meanwhile."""
        folder, key, new = cache_dir(), self._safe_key(), self._new
        self._new = {}
        if folder is None or key is None:
            return
        for shard, answers in new.items():
            path = self._path(folder, key, shard)
            merged = {**(_read(path, key) or {}), **answers}
            _write(path, key, dict(list(merged.items())[-self.LIMIT :]))

    def _shard(self, arg: str) -> dict[str, str]:
        shard = _shard_of(arg)
        if shard not in self._shards:
            self._shards[shard] = self._load(shard)
        return self._shards[shard]

    def _path(self, folder: Path, key: str, shard: str) -> Path:
        return folder / f"{self.name}-{key[:32]}-{shard}.marshal"

    def _safe_key(self) -> str | None:
        try:
            return self._key()
        except OSError:  # the code the answers depend on cannot be read: remember nothing
            return None

    def _load(self, shard: str) -> dict[str, str]:
        folder, key = cache_dir(), self._safe_key()
        if folder is None or key is None:
            return {}
        data = _read(self._path(folder, key, shard), key)
        return dict(data) if isinstance(data, dict) else {}


def _shard_of(arg: str) -> str:
    return hashlib.sha256(arg.encode()).hexdigest()[:2]


def regex_code(pattern: str, flags: int) -> tuple | None:
    """Return what the regex engine is built from for a pattern (the slow part of `re.compile`), or None."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        all_flags = int(flags | parsed.state.flags)
        packed = array(_CODE_TYPE, code).tobytes()  # bytes: read back far faster than a list of ints
        return (all_flags, packed, parsed.state.groups - 1, groupindex, tuple(indexgroup))
    except (ImportError, AttributeError, TypeError):
        return None


def regex_from_code(pattern: str, code: tuple | None, flags: int) -> re.Pattern[str]:
    """Build a compiled pattern from its stored engine code; compile it the usual way when that cannot be done."""
    if code is not None:
        try:
            flags_all, packed, groups, groupindex, indexgroup = code
            ops = array(_CODE_TYPE, packed).tolist()
            return _sre.compile(pattern, flags_all, ops, groups, groupindex, indexgroup)
        except (TypeError, ValueError, RuntimeError, OverflowError):
            pass
    return re.compile(pattern, flags)
