"""When a file in the inbox may be taken: its size and time unchanged over the stability delay, and whole."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class _Seen:
    size: int
    mtime: float
    since: float  # when (size, mtime) was last seen to change
    first: float  # when the file was first seen


# watchdog holds inotify events back for half a second (to pair the two halves of a rename), so a file is
# first seen up to that late: the time since its last write, up to this much, counts towards its delay.
EVENT_LAG = 0.5


class StabilityTracker:
    """Track candidate files with an injected clock; say which are ready to be taken."""

    def __init__(self, delay: float, incomplete_grace: float, wall: Callable[[], float] = time.time):
        self.delay, self.grace, self.wall = delay, incomplete_grace, wall
        self.files: dict[Path, _Seen] = {}

    def observe(self, path: Path, size: int, mtime: float, now: float) -> None:
        """Record a file's current size and time; a change restarts its delay."""
        seen = self.files.get(path)
        if seen is None or (seen.size, seen.mtime) != (size, mtime):
            since = now - min(max(self.wall() - mtime, 0.0), EVENT_LAG)
            self.files[path] = _Seen(size, mtime, since, seen.first if seen else now)

    def forget(self, path: Path) -> None:
        """Stop tracking a file (it was taken, or it went away)."""
        self.files.pop(path, None)

    def due(self, now: float) -> list[Path]:
        """Return the files unchanged for the whole delay, oldest first."""
        ready = [(s.first, p) for p, s in self.files.items() if now - s.since >= self.delay]
        return [p for _, p in sorted(ready)]

    def is_due(self, path: Path, now: float) -> bool:
        """Tell whether one file has been unchanged for the whole delay."""
        seen = self.files.get(path)
        return seen is not None and now - seen.since >= self.delay

    def waited_out(self, path: Path, now: float) -> bool:
        """Tell whether a stable but incomplete file has waited long enough to be taken as it is."""
        seen = self.files.get(path)
        return seen is not None and now - seen.since >= self.delay + self.grace


def looks_complete(path: Path) -> bool:
    """Tell whether a file opens as a whole document: a zip's central directory, a PDF's %%EOF."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
            if head.startswith(b"%PDF"):
                f.seek(0, 2)
                f.seek(max(f.tell() - 2048, 0))
                return b"%%EOF" in f.read()
            if head.startswith(b"PK"):
                f.seek(0)
                zipfile.ZipFile(f).close()
                return True
            return bool(head)  # another kind of file: whole as far as can be told (it will be quarantined)
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
