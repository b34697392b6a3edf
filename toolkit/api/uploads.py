"""Files handed in through the web page, taken by the same inbox pipeline as the watched folder.

One thread owns the inbox (its lock, ledger connection, check workers): an upload is written whole into a
folder of its own inside the inbox, then claimed, judged, recorded, filed and reported by `Pipeline.take`,
exactly as a dropped file is. Uploads wait their turn in a queue, so concurrent ones never race.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.api import _inbox, inbox_config
from toolkit.domain.ids import mask_text
from toolkit.errors import UsageError
from toolkit.inbox.names import ACCEPTED_SUFFIXES

MAX_UPLOAD = 50 * 1024 * 1024


@dataclass(frozen=True)
class Uploaded:
    """A file's verdict: its ledger id, outcome and findings (personal numbers masked)."""

    id: int | None
    file: str
    outcome: str
    document: str | None = None
    deal_no: str | None = None
    unit: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)


def upload_name(name: str) -> str:
    """Return the base name of an uploaded file, refusing one without a name or of a kind the inbox never takes."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if base in ("", ".", "..") or base.startswith("."):
        raise UsageError(f"上传文件名无效：{name!r}")
    if Path(base).suffix.lower() not in ACCEPTED_SUFFIXES:
        raise UsageError(f"{base}：只收 {' '.join(ACCEPTED_SUFFIXES)} 文件")
    return base


class UploadInbox:
    """The inbox of the web page: one thread takes uploads one at a time through the inbox pipeline."""

    def __init__(self, project_dir: Path, inbox: Path, filed: Path, *, log=None, db: str | None = None):
        self.cfg = inbox_config(project_dir, inbox, filed, stability=0.0, incomplete_grace=0.0, ledger_url=db)
        self.log = log or (lambda line: None)
        self.jobs: queue.Queue = queue.Queue()
        self.ready = threading.Event()
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="loupan-uploads", daemon=True)

    def start(self, timeout: float = 120.0) -> None:
        """Start the inbox thread and wait until its check workers are up."""
        self.cfg.inbox.mkdir(parents=True, exist_ok=True)
        self.cfg.filed.mkdir(parents=True, exist_ok=True)
        self.thread.start()
        self.ready.wait(timeout)
        if self.failed:
            raise self.failed

    def stop(self) -> None:
        """Finish the uploads queued, then close the inbox."""
        self.jobs.put(None)
        self.thread.join(timeout=60)

    def submit(self, name: str, data: bytes) -> Future:
        """Queue an uploaded file; the future gives its `Uploaded` verdict."""
        future: Future = Future()
        self.jobs.put((upload_name(name), data, future))
        return future

    def _run(self) -> None:
        try:
            with _inbox(self.cfg, self.log) as watcher:
                self._left_over(watcher.pipeline)
                self.ready.set()
                while (job := self.jobs.get()) is not None:
                    name, data, future = job
                    try:
                        future.set_result(self._take(watcher.pipeline, name, data))
                    except BaseException as exc:  # noqa: BLE001 - the caller gets the error, the inbox goes on
                        future.set_exception(exc)
        except BaseException as exc:  # noqa: BLE001 - reported to start() or to the queued callers
            self.failed = exc
            self.ready.set()
            while not self.jobs.empty():
                job = self.jobs.get_nowait()
                if job is not None:
                    job[2].set_exception(exc)

    def _left_over(self, pipeline) -> None:
        """Take the uploads a stopped server had written but not handed to the pipeline (nothing is lost)."""
        for folder in sorted(self.cfg.inbox.glob(".upload-*")):
            for path in sorted(folder.iterdir()):
                self.log(f"taking an upload left by the last run: {path.name}")
                pipeline.take(path)
            with contextlib.suppress(OSError):
                folder.rmdir()

    def _take(self, pipeline, name: str, data: bytes) -> Uploaded:
        """Write the upload whole in a folder of its own in the inbox, then let the pipeline take it."""
        folder = self.cfg.inbox / f".upload-{os.urandom(6).hex()}"
        folder.mkdir()
        path = folder / name
        with open(path, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            claim = pipeline.take(path)
        finally:
            if os.path.lexists(path):  # not claimed: it stays in the inbox, where the watcher would take it
                os.rename(path, _free(self.cfg.inbox / name))
            folder.rmdir()
        row = pipeline.ledger.by_claim(claim) if claim else None
        if row is None or row.outcome is None:
            why = pipeline.unfinished.get(name, "未能处理")
            return Uploaded(None, mask_text(name), "unfinished", findings=[{"rule": "", "message": mask_text(why)}])
        return Uploaded(row.id, mask_text(name), row.outcome, row.document, row.deal_no, row.unit, row.reasons)


def _free(path: Path) -> Path:
    """Return a name in the inbox no file has (a file is never overwritten)."""
    n = 1
    while os.path.lexists(path):
        path = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return path


def recent_files(ws, limit: int = 100) -> list[dict[str, Any]]:
    """Return the latest files the inbox decided on, newest first (names and reasons masked)."""
    from toolkit.api.accounts import accounts

    with accounts(ws) as a:
        rows = a.recent_files(limit)
    for r in rows:  # a list shows the messages; a scan's crop is on the file's own page
        r["reasons"] = [{k: v for k, v in x.items() if k != "crop_png"} for x in r["reasons"]]
    return [{**r, "name": mask_text(r["name"])} for r in rows]


def file_row(ws, file_id: int):
    """Return one file's ledger row, or None."""
    from toolkit.ledger.store import open_ledger

    ledger = open_ledger(ws.project_dir, ws.ledger_url, ws.project.code)
    try:
        return ledger.get(file_id)
    finally:
        ledger.close()
