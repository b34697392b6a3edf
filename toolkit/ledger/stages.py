"""签约审定 in the ledger: each document's stages (rendered, approved) with who and when, and its page hashes.

The signed stage is the inbox's accepted file (the `files` table); this table keeps what comes before it
(migration 0006), in the project's SQLite file or the shared database, scoped to the ledger's project.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from toolkit.ledger.db import is_pg, resolve
from toolkit.ledger.store import Ledger, now, open_ledger


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


def has_ledger(project_dir: Path, url: str | None = None) -> bool:
    """Say whether a project has a ledger yet (a shared database always has; looking creates none)."""
    chosen = resolve(Path(project_dir), url)
    return is_pg(chosen) or Path(chosen).is_file()


def open_stages(project_dir: Path, url: str | None = None, project: str | None = None) -> Stages:
    """Open the stages of a project's ledger where the URL says (--db, else LOUPAN_DB, else its SQLite file)."""
    return Stages(open_ledger(Path(project_dir), url, project))


class Stages:
    """The stages of one project's ledger."""

    def __init__(self, ledger: Ledger):
        self.ledger, self.db, self.project = ledger, ledger.db, ledger.project

    def close(self) -> None:
        """Close the ledger underneath."""
        self.ledger.close()

    def record(self, s: Stage) -> Stage:
        """Keep a stage reached now; return it with its time."""
        kept = replace(s, document_id=s.document_id.upper(), at=s.at or now())
        self.ledger._tx(
            "INSERT INTO stages(project, document_id, deal_no, document, stage, at, approver, sha256, pages, path) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            (self.project, kept.document_id, kept.deal_no, kept.document, kept.stage, kept.at, kept.by, kept.sha256,
             json.dumps(kept.pages), kept.path),
        )  # fmt: skip
        return kept

    def latest(self, document_id: str, stage: str) -> Stage | None:
        """Return the latest time a document reached a stage (None: never)."""
        row = self.db.one(
            "SELECT * FROM stages WHERE project=? AND document_id=? AND stage=? ORDER BY id DESC LIMIT 1",
            (self.project, document_id.upper(), stage),
        )
        return _stage(row) if row else None

    def every(self) -> list[Stage]:
        """Return every stage recorded, oldest first."""
        return [_stage(r) for r in self.db.execute("SELECT * FROM stages WHERE project=? ORDER BY id", (self.project,))]


def _stage(r: Any) -> Stage:
    pages = tuple(json.loads(r["pages"] or "[]"))
    return Stage(r["document_id"], r["deal_no"] or "", r["document"] or "", r["stage"], r["at"], r["approver"] or "",
                 r["sha256"] or "", pages, r["path"] or "")  # fmt: skip
