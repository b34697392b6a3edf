"""The ledger: every file the inbox took, its verdict and where it was filed; units moved by accepted forms.

One class over both backends (`ledger/db.py` holds the dialect): a project's SQLite file in WAL mode with one
writer, or a PostgreSQL database shared by many projects and workers, every row keyed by its project. Each
step is committed before the file moves on. On a shared database a worker holds the files in flight under a
lease it renews; a file whose worker died is taken over (`FOR UPDATE SKIP LOCKED`) once the lease runs out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError, UsageError
from toolkit.findings import Finding
from toolkit.ledger import migrate
from toolkit.ledger.base import FileRow
from toolkit.ledger.db import Db, is_pg, ledger_path, project_code, resolve, shown, sqlite_file
from toolkit.ledger.lease import Heartbeat, lease_seconds
from toolkit.ledger.states import AFTER_DOCUMENT, check_deal_move, check_unit_move
from toolkit.rules import Refusal

__all__ = ["FileRow", "Ledger", "ledger_path", "now", "open_ledger"]
IN_FLIGHT = "state NOT IN ('filed', 'gone')"
ROW = (  # a file's row without its kept printed values (a dozen kB a deal document): only `accepted` reads them
    "SELECT id, name, claim_path, sha256, state, outcome, document, deal_no, unit, filed_path, report_path, "
    "duplicate_of, reasons, received_at, decided_at FROM files"
)


def now(after: float = 0.0) -> str:
    """Return the current time (plus some seconds) as ISO text (UTC)."""
    at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=after)
    return at.isoformat(timespec="milliseconds")


def open_ledger(project_dir: Path | None, url: str | None = None, project: str | None = None) -> Ledger:
    """Open a project's ledger where the URL says (--db, else LOUPAN_DB, else its own SQLite file)."""
    return Ledger(resolve(project_dir, url), project if project is not None else project_code(project_dir) or None)


class TakenOver(ToolkitError):
    """A file this worker held was taken over by another after its lease ran out: that one finishes it."""


def counts_by_project(db: Db, project: str | None = None) -> dict[str, dict[str, int]]:
    """Count the files per outcome (and in flight) and the deals, of one project or of every one in the database."""
    where, args = ("WHERE project=?", (project,)) if project is not None else ("", ())
    out: dict[str, dict[str, int]] = {}
    for r in db.execute(
        "SELECT project, CASE WHEN state IN ('filed', 'gone') THEN outcome ELSE 'in flight' END AS o, "
        f"COUNT(*) AS n FROM files {where} GROUP BY project, o",
        args,
    ):
        out.setdefault(r["project"], {})[r["o"]] = int(r["n"])
    if project is None:
        for r in db.execute("SELECT project, COUNT(*) AS n FROM deals GROUP BY project"):
            out.setdefault(r["project"], {})["deals"] = int(r["n"])
    return dict(sorted(out.items()))


class Ledger:
    """The ledger of one project, in its SQLite file or a shared PostgreSQL database (the `base.Ledger`)."""

    def __init__(self, where: Path | str, project: str | None = None, *, lease: float | None = None):
        url = str(where)
        if project is None:  # a project's own SQLite file knows its project from the folder it lies in
            project = "" if is_pg(url) else project_code(sqlite_file(url).parent.parent)
        if is_pg(url) and not project:
            raise UsageError(f"{shown(url)}：共用台账需要项目编号（--project DIR）")
        self.project, self.db = project, Db(url)
        self.path = sqlite_file(url) if not self.db.pg else Path(shown(url))
        self.shared = self.db.pg  # several workers and offices: claims and leases through the database
        self.group = 1 if self.shared else None  # one verdict per commit: unit locks never held across files
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"
        self.lease = lease if lease is not None else lease_seconds()
        self.heartbeat: Heartbeat | None = None
        self._held: tuple[int, dict[str, Any]] = (0, {})  # units read in the open transaction, by its serial
        if self.db.pg:
            migrate.require_current(self.db)
        elif migrate.pending(self.db):
            migrate.upgrade(self.db, project)

    @property
    def where(self) -> str:
        """Return where the ledger is, fit for a status line (no password)."""
        return str(self.path) if not self.db.pg else shown(self.db.url)

    def close(self) -> None:
        """Stop renewing leases and close the connection."""
        if self.heartbeat:
            self.heartbeat.stop()
        self.db.close()

    def _tx(self, sql: str, args: tuple = ()) -> list[Any]:
        """Run one write in its own commit (inside `batch`: with the rest); return the rows it returns."""
        cur = self.db.execute(sql, args)  # autocommit: one statement alone is its own transaction, no BEGIN needed
        return cur.fetchall() if cur.description else []

    def batch(self):
        """Group several writes in one commit (all or none of them reach the ledger); inside one, join it."""
        return self.db.tx()

    @staticmethod
    def damage(path: Path) -> str:
        """Return what SQLite's quick check finds wrong with a ledger file ('' when it is intact)."""
        try:
            db = sqlite3.connect(str(path), timeout=30)
            try:
                result = db.execute("PRAGMA quick_check(1)").fetchone()
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            result = (str(exc),)
        return "" if result and result[0] == "ok" else (result[0] if result else "?")

    # -- files ----------------------------------------------------------------------------------
    def claim(self, name: str, claim_path: Path, size: int) -> int:
        """Record a claimed file, held by this worker; return its id (the same id when already recorded)."""
        lock = " FOR UPDATE" if self.shared and self.db.in_transaction else ""  # held until the verdict commits
        row = self.db.one(
            f"SELECT id, worker FROM files WHERE project=? AND claim_path=?{lock}", (self.project, str(claim_path))
        )
        if row and lock and row["worker"] != self.worker:
            raise TakenOver(f"{claim_path}：本进程的租约已过期，已由进程 {row['worker']} 接手")
        if row:
            return int(row["id"])
        file_id = self.adopt(name, claim_path, size)
        assert file_id is not None  # the claim path is this worker's own, just renamed
        return file_id

    def adopt(self, name: str, claim_path: Path, size: int) -> int | None:
        """Record a claimed file unless another worker already did; return its id, or None when it is theirs."""
        self._beat()
        row = self._tx(
            "INSERT INTO files(project, name, claim_path, size, received_at, worker, lease_until) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT (project, claim_path) DO NOTHING RETURNING id",
            (self.project, name, str(claim_path), size, now(), self.worker, now(self.lease)),
        )
        return int(row[0]["id"]) if row else None

    def by_claim(self, claim_path: Path) -> FileRow | None:
        """Return the row of a claimed file."""
        return self._one(f"{ROW} WHERE project=? AND claim_path=?", (self.project, str(claim_path)))

    def get(self, file_id: int) -> FileRow | None:
        """Return one row."""
        return self._one(f"{ROW} WHERE project=? AND id=?", (self.project, file_id))

    def first_with_hash(self, sha256: str, other_than: int) -> FileRow | None:
        """Return the earliest other file with the same content (inside a verdict: the content locked until it commits).

        The lock makes a second worker judging a copy wait for the first's verdict, so the copy is a duplicate.
        """
        self.db.lock(self.project, "sha256", sha256)
        return self._one(
            f"{ROW} WHERE project=? AND sha256=? AND id<>? AND outcome IS NOT NULL "
            "AND outcome<>'duplicates' ORDER BY id LIMIT 1",
            (self.project, sha256, other_than),
        )

    def decide(self, file_id: int, **fields: Any) -> None:
        """Record the verdict and where the file goes (state 'filing'), in one commit."""
        fields = {**fields, "state": "filing", "decided_at": now()}
        if "reasons" in fields:
            fields["reasons"] = json.dumps(fields["reasons"], ensure_ascii=False)
        cols = ", ".join(f"{k}=?" for k in fields)
        self._tx(f"UPDATE files SET {cols} WHERE project=? AND id=?", (*fields.values(), self.project, file_id))

    def filed(self, file_id: int) -> None:
        """Record that the file reached its place."""
        self._tx("UPDATE files SET state='filed' WHERE project=? AND id=?", (self.project, file_id))

    def unfinished(self) -> list[FileRow]:
        """Return the files in flight this worker may finish: all of them alone, else its own and lapsed ones.

        On a shared ledger the rows are taken over at once (this worker, a new lease), skipping any another
        worker has locked, so two workers never finish the same file.
        """
        if not self.shared:
            return self._all(f"{ROW} WHERE project=? AND {IN_FLIGHT} ORDER BY id", (self.project,))
        self._beat()
        rows = self._tx(
            "UPDATE files SET worker=?, lease_until=? WHERE project=? AND id IN (SELECT id FROM files "
            f"WHERE project=? AND {IN_FLIGHT} AND (worker=? OR worker IS NULL OR lease_until IS NULL "
            "OR lease_until<?) ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING *",
            (self.worker, now(self.lease), self.project, self.project, self.worker, now()),
        )
        return sorted((_row(r) for r in rows), key=lambda r: r.id)

    def gone(self, file_id: int) -> None:
        """Record that a claimed file went away before it could be judged (so it is not in flight forever)."""
        self._tx(
            "UPDATE files SET state='gone', outcome='gone', decided_at=? WHERE project=? AND id=?",
            (now(), self.project, file_id),
        )

    def accepted(self, deal_no: str, document: str) -> FileRow | None:
        """Return the latest accepted document of a deal, its verdict committed (filed, or being filed)."""
        return self._one(
            "SELECT * FROM files WHERE project=? AND deal_no=? AND document=? AND outcome='accepted' AND "
            "state IN ('filing', 'filed') ORDER BY id DESC LIMIT 1",
            (self.project, deal_no, document),
        )

    def counts(self) -> dict[str, int]:
        """Count the files per outcome (and those still in flight)."""
        return counts_by_project(self.db, self.project).get(self.project, {})

    def recent(self, outcome: str, limit: int = 10) -> list[FileRow]:
        """Return the latest files with an outcome."""
        return self._all(
            f"{ROW} WHERE project=? AND outcome=? ORDER BY id DESC LIMIT ?", (self.project, outcome, limit)
        )

    def all_files(self) -> list[FileRow]:
        """Return every row."""
        return self._all(f"{ROW} WHERE project=? ORDER BY id", (self.project,))

    def _beat(self) -> None:
        """Renew this worker's leases from now on, while it holds files in flight (shared ledgers only)."""
        if self.shared and self.heartbeat is None:
            self.heartbeat = Heartbeat(self.db.url, self.project, self.worker, self.lease)

    def files_of_unit(self, code: str) -> list[FileRow]:
        """Return the files of one unit, oldest first."""
        return self._all(f"{ROW} WHERE unit=? ORDER BY id", (code,))

    # -- units ----------------------------------------------------------------------------------
    def unit(self, code: str) -> dict[str, Any] | None:
        """Return a unit's status as the ledger holds it (None: the price list's status stands).

        Inside a transaction the unit is locked until it ends, so what is read stays true across offices.
        """
        self.db.lock(self.project, "unit", code)
        held = self._held_now()
        if held is not None and code in held:
            row = held[code]
        else:
            row = self.db.one("SELECT * FROM units WHERE project=? AND code=?", (self.project, code))
            row = dict(row) if row else None
            if held is not None:
                held[code] = row
        return dict(row) if row else None

    def _held_now(self) -> dict[str, Any] | None:
        """Return the units read in the open transaction, None outside one.

        Read under the unit's lock (PostgreSQL) or the write lock (SQLite), a unit changes only by this
        transaction until it ends, and each change forgets it (`forget_unit`): it need not be read again.
        """
        if not self.db.in_transaction:
            return None
        if self._held[0] != self.db.serial:
            self._held = (self.db.serial, {})
        return self._held[1]

    def forget_unit(self, code: str) -> None:
        """Forget a unit read in this transaction: it is being changed, and is read again when asked for."""
        self._held[1].pop(code, None)

    def backwards(self, code: str, deal_no: str, document: str) -> Finding | None:
        """Return the finding that refuses a document moving its unit or deal backwards, or None."""
        new = AFTER_DOCUMENT.get(document)
        if new is None:
            return None
        deal = self.db.one("SELECT status FROM deals WHERE project=? AND deal_no=?", (self.project, deal_no))
        held = self.unit(code)
        try:
            check_deal_move(deal_no, deal["status"] if deal else None, new)
            if held and held["deal_no"] == deal_no:
                check_unit_move(code, held["status"], new)
        except Refusal as refused:
            return refused.findings[0]
        return None

    def move_unit(self, code: str, status: str, deal_no: str, file_id: int) -> None:
        """Move a unit through the state machine and keep the event, in one commit."""
        at = now()
        with self.db.tx():
            held = self.unit(code)
            check_unit_move(code, held["status"] if held else "待售", status)
            self.db.execute(
                "INSERT INTO units(project, code, status, deal_no, file_id, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(project, code) DO UPDATE SET status=excluded.status, deal_no=excluded.deal_no, "
                "file_id=excluded.file_id, updated_at=excluded.updated_at",
                (self.project, code, status, deal_no, file_id, at),
            )
            self.db.execute(
                "INSERT INTO unit_events(project, code, status, deal_no, file_id, at) VALUES (?,?,?,?,?,?)",
                (self.project, code, status, deal_no, file_id, at),
            )
            self.forget_unit(code)

    # -- rows -----------------------------------------------------------------------------------
    def _one(self, sql: str, args: tuple) -> FileRow | None:
        row = self.db.execute(sql, args).fetchone()
        return _row(row) if row else None

    def _all(self, sql: str, args: tuple = ()) -> list[FileRow]:
        return [_row(r) for r in self.db.execute(sql, args)]


def _row(r: Any) -> FileRow:
    return FileRow(
        r["id"],
        r["name"],
        r["claim_path"],
        r["sha256"],
        r["state"],
        r["outcome"],
        r["document"],
        r["deal_no"],
        r["unit"],
        r["filed_path"],
        r["report_path"],
        r["duplicate_of"],
        json.loads(r["reasons"]) if r["reasons"] else [],
        r["received_at"],
        r["decided_at"],
        r["kept"] if "kept" in r.keys() else None,
    )
