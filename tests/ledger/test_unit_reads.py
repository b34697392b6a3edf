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


def test_a_deal_saved_with_fields_for_a_new_one_is_read_once_and_keeps_its_terms_once_recorded(
    tmp_path, ledger_backend, monkeypatch
):
    project = tmp_path / "cuihu"
    shutil.copytree(EXAMPLE, project)
    seen: list[str] = []
    real = db_mod.Db.execute
    monkeypatch.setattr(db_mod.Db, "execute", lambda self, sql, args=(): seen.append(sql) or real(self, sql, args))
    ledger = open_ledger(project)
    try:
        sales = Sales(ledger, {UNIT: "待售"})
        terms = {"unit": UNIT, "buyers": [{"name": "张三"}], "total": "1000000", "deposit": "50000"}
        terms |= {"payment_method": "一次性付款", "subscribe_date": "2026-03-01"}
        with ledger.batch():
            seen.clear()
            sales.save_deal("CHY-2026-0001", status="已认购", new=terms)
            assert sum("FROM deals" in s for s in seen) == 1, "read once: its status says whether it is new"
        with ledger.batch():
            sales.save_deal("CHY-2026-0001", status="已签约", new={**terms, "total": "9"})
        deal = sales.deal("CHY-2026-0001")
        assert (deal["status"], deal["total"], deal["buyers"]) == ("已签约", "1000000", [{"name": "张三"}])
        assert deal["sign_date"], "signed by the events' clock"
    finally:
        ledger.close()
