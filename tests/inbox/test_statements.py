"""How many statements the ledger runs per filed file, counted through its one connection wrapper (`Db`).

A watcher's drop on either backend: the unit read once per file (its later checks and its move see the row
read under its lock), the claim's row not read back on SQLite and read once (locked) on PostgreSQL, no
transaction opened for a lone statement or for nothing. A new repeated read shows here as a higher count.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest

from toolkit.inbox.pipeline import Pipeline
from toolkit.inbox.worker import CheckWorker
from toolkit.ledger import db as db_mod
from toolkit.ledger.store import open_ledger

# statements per filed file for the six clean forms below (3 accepted, 3 rejected), measured, with no margin:
# a statement more per file fails. SQLite: 61 for 6 files (85 before the repeated reads were cut); PostgreSQL
# (one verdict a commit, claims and leases in the database, advisory locks): 89 (125 before).
MOST = {"sqlite": 61, "postgresql": 89}


@pytest.fixture
def counted(monkeypatch) -> list[tuple[object, str]]:
    """Record every statement run through a ledger connection, in order, with the connection, whitespace folded."""
    seen: list[tuple[object, str]] = []
    real = db_mod.Db.execute

    def execute(self, sql, args=()):
        seen.append((self, re.sub(r"\s+", " ", sql).strip()))
        return real(self, sql, args)

    monkeypatch.setattr(db_mod.Db, "execute", execute)
    return seen


def test_a_drop_runs_few_statements_per_file_and_reads_each_unit_once(documents, inbox_env, ledger_backend, counted):
    cfg, inbox, _ = inbox_env
    paths = []
    for src in sorted(documents.glob("CHY-2026-000[123]-*.docx")):
        paths.append(shutil.copy(src, inbox / src.name))
    ledger, worker = open_ledger(cfg.project_dir), CheckWorker(cfg.project_dir, None, 60)
    try:
        worker.start()
        p = Pipeline(cfg, ledger, worker, lambda _: None)
        counted.clear()
        assert p.take_many(paths) == 6
        seen = [sql for db, sql in counted if db is ledger.db]  # the lease's heartbeat has a connection of its own
        rows = ledger.all_files()
    finally:
        worker.stop()
        ledger.close()
    assert Counter(r.outcome for r in rows) == {"accepted": 3, "rejected": 3} and {r.state for r in rows} == {"filed"}
    backend = "postgresql" if ledger_backend else "sqlite"
    kinds = Counter(s.split(" WHERE ")[0] for s in seen)
    assert kinds["SELECT * FROM units"] <= len(paths), "each unit read once per file"
    by_claim = [s for s in seen if "claim_path=?" in s and s.startswith("SELECT")]
    assert len(by_claim) == (len(paths) if ledger_backend else 0), "a claim's row read only to lock it (shared)"
    opened = [i for i, s in enumerate(seen) if s.startswith("BEGIN")]
    assert all(seen[i + 1] != "COMMIT" for i in opened), "no empty transaction"
    assert len(opened) <= (len(paths) if ledger_backend else 1) + 1, "one commit per verdict (or group), one at the end"
    assert len(seen) <= MOST[backend], f"{len(seen)} statements for {len(paths)} files: {Counter(seen).most_common(5)}"
