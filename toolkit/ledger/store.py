"""The ledger: every file the inbox took, its verdict and where it was filed; units moved by accepted forms.

SQLite in WAL mode, one writer (the inbox's processing loop), each step committed before the file moves on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from toolkit.findings import Finding
from toolkit.ledger import schema
from toolkit.ledger.base import FileRow
from toolkit.ledger.states import AFTER_DOCUMENT, check_deal_move, check_unit_move
from toolkit.rules import Refusal

__all__ = ["FileRow", "Ledger", "ledger_path", "now"]


def now() -> str:
    """Return the current time as ISO text (UTC)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class Ledger:
    """The SQLite ledger of one project (the SQLite `base.Ledger`)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        schema.create(self.db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _tx(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        if self.db.in_transaction:  # inside `batch`: committed with the rest
            return self.db.execute(sql, args)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db.execute(sql, args)

    @contextlib.contextmanager
    def batch(self):
        """Group several writes in one commit (all or none of them reach the ledger); inside one, join it."""
        if self.db.in_transaction:
            yield
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            yield

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
        """Record a claimed file; return its id (the same id when the claim was already recorded)."""
        row = self.db.execute("SELECT id FROM files WHERE claim_path=?", (str(claim_path),)).fetchone()
        if row:
            return int(row["id"])
        cur = self._tx(
            "INSERT INTO files(name, claim_path, size, received_at) VALUES (?,?,?,?)",
            (name, str(claim_path), size, now()),
        )
        assert cur.lastrowid is not None  # an INSERT always sets it
        return cur.lastrowid

    def by_claim(self, claim_path: Path) -> FileRow | None:
        """Return the row of a claimed file."""
        return self._one("SELECT * FROM files WHERE claim_path=?", (str(claim_path),))

    def get(self, file_id: int) -> FileRow | None:
        """Return one row."""
        return self._one("SELECT * FROM files WHERE id=?", (file_id,))

    def first_with_hash(self, sha256: str, other_than: int) -> FileRow | None:
        """Return the earliest other file with the same content."""
        return self._one(
            "SELECT * FROM files WHERE sha256=? AND id<>? AND outcome IS NOT NULL "
            "AND outcome<>'duplicates' ORDER BY id LIMIT 1",
            (sha256, other_than),
        )

    def decide(self, file_id: int, **fields: Any) -> None:
        """Record the verdict and where the file goes (state 'filing'), in one commit."""
        fields = {**fields, "state": "filing", "decided_at": now()}
        if "reasons" in fields:
            fields["reasons"] = json.dumps(fields["reasons"], ensure_ascii=False)
        cols = ", ".join(f"{k}=?" for k in fields)
        self._tx(f"UPDATE files SET {cols} WHERE id=?", (*fields.values(), file_id))

    def filed(self, file_id: int) -> None:
        """Record that the file reached its place."""
        self._tx("UPDATE files SET state='filed' WHERE id=?", (file_id,))

    def unfinished(self) -> list[FileRow]:
        """Return the files claimed or being filed when the last run stopped."""
        return self._all("SELECT * FROM files WHERE state NOT IN ('filed', 'gone') ORDER BY id")

    def gone(self, file_id: int) -> None:
        """Record that a claimed file went away before it could be judged (so it is not in flight forever)."""
        self._tx("UPDATE files SET state='gone', outcome='gone', decided_at=? WHERE id=?", (now(), file_id))

    def accepted(self, deal_no: str, document: str) -> FileRow | None:
        """Return the latest accepted document of a deal."""
        return self._one(
            "SELECT * FROM files WHERE deal_no=? AND document=? AND outcome='accepted' AND "
            "state='filed' ORDER BY id DESC LIMIT 1",
            (deal_no, document),
        )

    def counts(self) -> dict[str, int]:
        """Count the files per outcome (and those still in flight)."""
        rows = self.db.execute(
            "SELECT CASE WHEN state IN ('filed', 'gone') THEN outcome ELSE 'in flight' END AS o, COUNT(*) AS n "
            "FROM files GROUP BY o"
        )
        return {r["o"]: int(r["n"]) for r in rows}

    def recent(self, outcome: str, limit: int = 10) -> list[FileRow]:
        """Return the latest files with an outcome."""
        return self._all("SELECT * FROM files WHERE outcome=? ORDER BY id DESC LIMIT ?", (outcome, limit))

    def all_files(self) -> list[FileRow]:
        """Return every row."""
        return self._all("SELECT * FROM files ORDER BY id")

    def files_of_unit(self, code: str) -> list[FileRow]:
        """Return the files of one unit, oldest first."""
        return self._all("SELECT * FROM files WHERE unit=? ORDER BY id", (code,))

    # -- units ----------------------------------------------------------------------------------
    def unit(self, code: str) -> dict[str, Any] | None:
        """Return a unit's status as the ledger holds it (None: the price list's status stands)."""
        row = self.db.execute("SELECT * FROM units WHERE code=?", (code,)).fetchone()
        return dict(row) if row else None

    def backwards(self, code: str, deal_no: str, document: str) -> Finding | None:
        """Return the finding that refuses a document moving its unit or deal backwards, or None."""
        new = AFTER_DOCUMENT.get(document)
        if new is None:
            return None
        deal = self.db.execute("SELECT status FROM deals WHERE deal_no=?", (deal_no,)).fetchone()
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
        with self.batch() if not self.db.in_transaction else contextlib.nullcontext():
            held = self.unit(code)
            check_unit_move(code, held["status"] if held else "待售", status)
            self.db.execute(
                "INSERT INTO units(code, status, deal_no, file_id, updated_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(code) DO UPDATE SET status=excluded.status, deal_no=excluded.deal_no, "
                "file_id=excluded.file_id, updated_at=excluded.updated_at",
                (code, status, deal_no, file_id, at),
            )
            self.db.execute(
                "INSERT INTO unit_events(code, status, deal_no, file_id, at) VALUES (?,?,?,?,?)",
                (code, status, deal_no, file_id, at),
            )

    # -- rows -----------------------------------------------------------------------------------
    def _one(self, sql: str, args: tuple) -> FileRow | None:
        row = self.db.execute(sql, args).fetchone()
        return _row(row) if row else None

    def _all(self, sql: str, args: tuple = ()) -> list[FileRow]:
        return [_row(r) for r in self.db.execute(sql, args)]


def _row(r: sqlite3.Row) -> FileRow:
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
    )


def ledger_path(project_dir: Path) -> Path:
    """Return where a project's ledger lives."""
    return Path(project_dir) / ".loupan" / "ledger.sqlite"
