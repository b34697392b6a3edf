"""The watch loop: scan at start, events as they come, a rescan now and then, files taken when stable.

The clock, the sleep and the event source are injected, so the logic is tested without waiting.
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.inbox.names import for_log, ignored
from toolkit.inbox.pipeline import WIDE, InboxConfig, Pipeline
from toolkit.inbox.stability import StabilityTracker, looks_complete


class QueueSource:
    """Paths reported by a file-system watcher (or by a test), drained by the loop."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[Path] = queue.SimpleQueue()

    def put(self, path: Path) -> None:
        """Report a path that changed."""
        self.queue.put(Path(path))

    def drain(self) -> set[Path]:
        """Return the paths reported since the last call."""
        out = set()
        while True:
            try:
                out.add(self.queue.get_nowait())
            except queue.Empty:
                return out

    def start(self) -> None:
        """Start watching (nothing to do for a plain queue)."""

    def stop(self) -> None:
        """Stop watching."""


class WatchdogSource(QueueSource):
    """Events from watchdog: inotify where it works, polling for network shares."""

    def __init__(self, folder: Path, polling: bool):
        super().__init__()
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        source = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):  # noqa: D401 - watchdog's hook
                for attr in ("src_path", "dest_path"):
                    path = getattr(event, attr, None)
                    if path and not event.is_directory:
                        source.put(Path(os.fsdecode(path)))

        self.observer = PollingObserver(timeout=1) if polling else Observer()
        self.observer.schedule(Handler(), str(folder), recursive=False)

    def start(self) -> None:
        """Start the observer thread."""
        self.observer.start()

    def stop(self) -> None:
        """Stop the observer thread."""
        self.observer.stop()
        self.observer.join(5)


@dataclass
class Watcher:
    """Takes stable files out of the inbox and hands them to the pipeline."""

    cfg: InboxConfig
    pipeline: Pipeline
    source: QueueSource
    log: Callable[[str], None]
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    tracker: StabilityTracker = field(init=False)
    stopping: bool = False

    def __post_init__(self) -> None:
        self.tracker = StabilityTracker(self.cfg.stability, self.cfg.incomplete_grace)
        sink = self.log
        self.log = lambda line: sink(for_log(line))  # names are masked and their control characters escaped

    def run(self, *, once: bool = False) -> int:
        """Watch until stopped (or, with once, until what is in the inbox now is done); return files taken."""
        taken = 0
        self.rescan()
        next_rescan = self.clock() + self.cfg.rescan
        while not self.stopping:
            for path in self.source.drain():
                self.see(path)
            if len(self.tracker.files) >= WIDE:
                self._warm()
            if self.clock() >= next_rescan:
                self.rescan()
                next_rescan = self.clock() + self.cfg.rescan
            taken += self.step()
            if once and not self.tracker.files:
                taken += self._release(force=True)  # photos still waiting for a page: judged as they are
                break
            self.sleep(self.cfg.tick)
        return taken

    def rescan(self) -> None:
        """Look at every file in the inbox: events can be missed, and a share can drop out."""
        try:
            entries = list(os.scandir(self.cfg.inbox))
        except OSError as exc:
            self.log(f"无法列出收件夹 {self.cfg.inbox}：{exc}；下次扫描时重试")
            return
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                self.see(Path(entry.path))
        try:
            self.pipeline.recover()  # a file left in the claim area by an error is finished here
        except Exception as exc:  # noqa: BLE001
            self.log(f"未能处理完一个已领取的文件：{exc.__class__.__name__}: {exc}")

    def see(self, path: Path) -> None:
        """Track a file that appeared or changed in the inbox."""
        if path.parent != self.cfg.inbox or ignored(path.name):
            return
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            self.tracker.forget(path)
            return
        if os.path.isfile(path) and not os.path.islink(path):
            self.tracker.observe(path, st.st_size, st.st_mtime, self.clock())

    def step(self) -> int:
        """Take every file that is due; one bad file never stops the others."""
        ready = []
        for path in self.tracker.due(self.clock()):
            self.see(path)
            if not self.tracker.is_due(path, self.clock()):
                continue  # it changed since
            if not looks_complete(path) and not self.tracker.waited_out(path, self.clock()):
                continue  # still being written, or a partial copy: wait a little longer
            self.tracker.forget(path)
            ready.append(path)
        many = getattr(self.pipeline, "take_many", None)  # the inbox's pipeline checks the next files ahead
        if not ready:
            return self._release()
        if many is None or len(ready) < 2:
            return sum(self._take(path) for path in ready)
        try:
            return many(ready)
        except Exception as exc:  # noqa: BLE001 - the watcher must outlive any one batch
            self.log(f"收取文件时出错：{exc.__class__.__name__}: {exc}；下次启动时继续处理")
            return 0

    def _warm(self) -> None:
        """Start every check worker while a drop settles, so they are ready when its files are stable."""
        warm = getattr(getattr(self.pipeline, "worker", None), "warm", None)
        if warm is not None:
            warm()

    def _release(self, force: bool = False) -> int:
        """Judge the photos held for the other pages of their document, once due (inbox/photos.py)."""
        release = getattr(self.pipeline, "release_photos", None)
        return release(force) if release else 0

    def _take(self, path: Path) -> int:
        try:
            return int(self.pipeline.take(path) is not None)
        except Exception as exc:  # noqa: BLE001 - the watcher must outlive any one file
            where = "仍留在收件夹" if os.path.lexists(path) else "仍留在领取区，下次启动时继续处理"
            self.log(f"收取 {path.name} 时出错：{exc.__class__.__name__}: {exc}；{where}")
            return 0


YOUNG = 20_000  # new objects between collections while watching (Python's default: 700)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while the inbox runs: a verdict unpickles thousands of objects, none cyclic."""
    before = gc.get_threshold()
    gc.freeze()  # what start-up loaded (modules, project, ledger) is never walked again
    gc.set_threshold(YOUNG, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def check_folders(cfg: InboxConfig) -> None:
    """Check at start that the inbox can be read and emptied and the filed tree written; say what is wrong."""
    inbox, filed = cfg.inbox.resolve(), cfg.filed.resolve()
    if not inbox.is_dir():
        raise UsageError(f"收件箱 {cfg.inbox}：不是文件夹")
    if not os.access(inbox, os.R_OK | os.W_OK | os.X_OK):
        raise UsageError(f"收件箱 {cfg.inbox}：必须可读可写（文件会从中移出）")
    if filed == inbox or inbox in filed.parents or filed in inbox.parents:
        raise UsageError(f"归档目录 {cfg.filed}：必须在收件箱 {cfg.inbox} 之外，收件箱也必须在归档目录之外")
    try:
        filed.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"归档目录 {cfg.filed}：无法创建（{exc.strerror}）") from None
    if not os.access(filed, os.W_OK | os.X_OK):
        raise UsageError(f"归档目录 {cfg.filed}：不可写")


def is_watching(pid: int) -> bool:
    """Tell whether a watcher process has started watching: it handles SIGTERM (a clean stop) from then on."""
    import signal

    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))
