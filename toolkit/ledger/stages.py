"""签约审定 in the ledger: each document's stages (rendered, approved) with who and when, and its page hashes.

The signed stage is the inbox's accepted file (the `files` table); this table keeps what comes before it.
Its own table, created when first used, so a ledger made by an earlier version gains it without a migration.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from toolkit.ledger.store import now

STAGES = """
CREATE TABLE IF NOT EXISTS stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL,                  -- deal number and document, as the QR code names it
    deal_no TEXT, document TEXT,
    stage TEXT NOT NULL,                        -- rendered | approved
    at TEXT NOT NULL,
    by TEXT,                                    -- who approved it
    sha256 TEXT, pages TEXT,                    -- the file, and its pages' text hashes (JSON list; PDF only)
    path TEXT                                   -- the copy kept (review folder) or the file rendered
);
CREATE INDEX IF NOT EXISTS stages_document ON stages(document_id, stage);
"""


@dataclass(frozen=True)
class Stage:
    """One stage a document reached."""

    document_id: str
    deal_no: str
    document: str
    stage: str
    at: str
    by: str = ""
    sha256: str = ""
    pages: tuple[str, ...] = ()
    path: str = ""


class Stages:
    """The stages table of a project's ledger."""

    def __init__(self, path: Path, *, read_only: bool = False):
        if read_only:  # a reader never waits for a writer (WAL), even one inside its own process's transaction
            self.db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=30)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(STAGES)
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def record(self, s: Stage) -> Stage:
        """Keep a stage reached now; return it with its time."""
        at = s.at or now()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "INSERT INTO stages(document_id, deal_no, document, stage, at, by, sha256, pages, path) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    s.document_id.upper(),
                    s.deal_no,
                    s.document,
                    s.stage,
                    at,
                    s.by,
                    s.sha256,
                    json.dumps(s.pages),
                    s.path,
                ),
            )
        return Stage(s.document_id.upper(), s.deal_no, s.document, s.stage, at, s.by, s.sha256, s.pages, s.path)

    def latest(self, document_id: str, stage: str) -> Stage | None:
        """Return the latest time a document reached a stage (None: never)."""
        try:
            row = self.db.execute(
                "SELECT * FROM stages WHERE document_id=? AND stage=? ORDER BY id DESC LIMIT 1",
                (document_id.upper(), stage),
            ).fetchone()
        except sqlite3.OperationalError as exc:  # a ledger no approval was ever recorded in has no table yet
            if "no such table" not in str(exc):
                raise
            return None
        return _stage(row) if row else None

    def every(self) -> list[Stage]:
        """Return every stage recorded, oldest first."""
        return [_stage(r) for r in self.db.execute("SELECT * FROM stages ORDER BY id")]


def _stage(r: sqlite3.Row) -> Stage:
    pages = tuple(json.loads(r["pages"] or "[]"))
    return Stage(r["document_id"], r["deal_no"] or "", r["document"] or "", r["stage"], r["at"], r["by"] or "",
                 r["sha256"] or "", pages, r["path"] or "")  # fmt: skip
