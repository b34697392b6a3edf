"""One watcher per inbox and per ledger: exclusive locks held while the inbox runs.

The ledger is locked through a file beside it (which names the holder's pid); the inbox through its own
folder, so nothing is added to the inbox. `fcntl.flock` locks go away with the process, so a watcher killed
with SIGKILL never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.ledger.store import Ledger


class InboxLock:
    """Exclusive locks on the inbox and on the ledger of its project; released by `release` or at exit."""

    def __init__(self, inbox: Path, ledger: Path):
        self.fds: list[int] = []
        try:
            for path, what in (
                (Path(ledger).with_name("ledger.lock"), "台账 ledger"),
                (Path(inbox), "收件箱 inbox"),
            ):
                self._take(path, what)
        except BaseException:
            self.release()
            raise

    def _take(self, path: Path, what: str) -> None:
        folder = path.is_dir()
        if folder:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = "?" if folder else os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise UsageError(
                f"另一个 loupan watch/ingest（进程 {holder}）正在处理此{what.split()[0]}，同一收件箱和台账只能有一个："
                f"{path} / another loupan watch or ingest (pid {holder}) already holds this {what.split()[1]}"
            ) from None
        if not folder:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fds.append(fd)

    def release(self) -> None:
        """Let the locks go."""
        for fd in self.fds:
            os.close(fd)
        self.fds = []


def check_ledger(path: Path) -> None:
    """Refuse a damaged ledger with a clear message, before anything is taken."""
    if not Path(path).is_file():
        return
    damage = Ledger.damage(path)
    if damage:
        raise UsageError(
            f"台账 {path} 已损坏，无法读取（{damage}）：请停止收件，从备份恢复台账后再启动 / "
            "the ledger is damaged; restore it from a backup"
        )
