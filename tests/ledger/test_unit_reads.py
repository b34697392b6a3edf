"""A unit read once in a transaction is not read again in it, and is never stale: changed, it is read anew."""

from __future__ import annotations

import shutil
from pathlib import Path

from toolkit.ledger import db as db_mod
from toolkit.ledger.sales import Sales
from toolkit.ledger.store import open_ledger

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cuihu"
UNIT = "1-1801"


def test_a_unit_is_read_once_per_transaction_and_again_once_changed(tmp_path, ledger_backend, monkeypatch):
    project = tmp_path / "cuihu"
    shutil.copytree(EXAMPLE, project)
    reads: list[str] = []
    real = db_mod.Db.execute

    def execute(self, sql, args=()):
        if sql.startswith("SELECT * FROM units"):
            reads.append(args[1])
        return real(self, sql, args)

    monkeypatch.setattr(db_mod.Db, "execute", execute)
    ledger, other = open_ledger(project), open_ledger(project)
    try:
        with ledger.batch():
            assert ledger.unit(UNIT) is None and ledger.unit(UNIT) is None
            assert reads == [UNIT], "read once in its transaction"
            ledger.move_unit(UNIT, "已认购", "CHY-2026-0001", 1)
            assert ledger.unit(UNIT)["status"] == "已认购", "moved: read anew"
            Sales(ledger, {UNIT: "待售"}).set_unit(UNIT, "已签约", "CHY-2026-0001")
            assert ledger.unit(UNIT)["status"] == "已签约" and ledger.unit(UNIT)["deal_no"] == "CHY-2026-0001"
        assert len(reads) == 3, "its own changes: read after each, not before"
        with other.batch():  # another connection changes it between two of this one's transactions
            Sales(other, {UNIT: "待售"}).set_unit(UNIT, "待售", None)
        with ledger.batch():
            assert ledger.unit(UNIT)["status"] == "待售", "a new transaction reads it again"
        assert ledger.unit(UNIT)["deal_no"] == ledger.unit(UNIT)["deal_no"] and len(reads) == 7, "outside one: always"
    finally:
        ledger.close()
        other.close()
