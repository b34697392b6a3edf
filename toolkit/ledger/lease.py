"""Leases on files in flight: a worker renews its own while it runs, so a dead worker's files lapse.

The renewal runs on a thread with its own connection, so a long check (OCR of a scan) never lets the lease
of a live worker lapse. A worker killed with SIGKILL stops renewing; after `LOUPAN_LEASE` seconds (30 by
default) any other worker takes its files over.
"""

from __future__ import annotations

import contextlib
import os
import threading

from toolkit.errors import UsageError

ENV = "LOUPAN_LEASE"
DEFAULT = 30.0


def lease_seconds() -> float:
    """Return how long a worker's hold on a file lasts without renewal (LOUPAN_LEASE, default 30 s)."""
    text = os.environ.get(ENV, "")
    try:
        seconds = float(text) if text else DEFAULT
    except ValueError:
        raise UsageError(f"{ENV}：应为秒数，实际为 {text!r}") from None
    if seconds <= 0:
        raise UsageError(f"{ENV}：应为大于0的秒数，实际为 {text!r}")
    return seconds


class Heartbeat:
    """Renew a worker's leases every third of the lease, until stopped."""

    def __init__(self, url: str, project: str, worker: str, lease: float):
        self.args, self.lease = (url, project, worker), lease
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="loupan-lease", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from toolkit.ledger.db import Db

        db = None
        with contextlib.suppress(Exception):  # connected before the first beat: a slow connect does not lapse it
            db = Db(self.args[0])
        while not self.stopping.wait(self.lease / 3):
            try:
                db = db or Db(self.args[0])
                self._renew(db)
            except Exception:  # noqa: BLE001 - a lost connection: try a new one at the next beat
                _close(db)
                db = None
        _close(db)

    def _renew(self, db) -> None:
        from toolkit.ledger.store import IN_FLIGHT, now

        _, project, worker = self.args
        db.execute(  # rows the worker's own open transaction holds are skipped: no one else can take them either
            "UPDATE files SET lease_until=? WHERE project=? AND id IN (SELECT id FROM files WHERE project=? "
            f"AND worker=? AND {IN_FLIGHT} FOR UPDATE SKIP LOCKED)",
            (now(self.lease), project, project, worker),
        )

    def stop(self) -> None:
        """Stop renewing (the files still held lapse after the lease, unless finished first)."""
        self.stopping.set()
        self.thread.join(5)


def _close(db) -> None:
    """Close a connection that may be broken already."""
    if db is None:
        return
    try:
        db.close()
    except Exception:  # noqa: BLE001 - it is being dropped either way
        return
