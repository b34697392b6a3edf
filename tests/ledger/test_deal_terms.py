"""Migration 0004 (the deal terms the period reports read) on every kind of older ledger: no column's data lost."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.ledger.test_migrations import VERSIONS, legacy_ledger
from toolkit.ledger import migrate, schema
from toolkit.ledger.db import Db
from toolkit.ledger.sales import Sales
from toolkit.ledger.store import Ledger

PLAN = json.dumps([{"item": "定金", "amount": "10.00", "due": "2026-11-20", "loan": False}], ensure_ascii=False)
OFF = json.dumps([{"name": "开盘优惠", "kind": "公开优惠", "rate_pct": "1", "amount": "1.00"}], ensure_ascii=False)
TERMS = {
    "salesperson": "李娜",
    "sign_deadline": "2026-11-27",
    "sign_date": "2026-11-22",
    "plan": PLAN,
    "discounts": OFF,
}


def reports_ledger(path: Path) -> None:
    """Write a ledger as the reports' version before migrations did: the deal terms as `deals` columns (ADDED)."""
    legacy_ledger(path)
    db = sqlite3.connect(path, isolation_level=None)
    for column in schema.TERMS:
        db.execute(f"ALTER TABLE deals ADD COLUMN {column} TEXT")
    db.execute(
        "UPDATE deals SET salesperson=?, sign_deadline=?, sign_date=?, plan=?, discounts=?", tuple(TERMS.values())
    )
    db.close()


def _deal(path: Path) -> dict:
    ledger = Ledger(path, "CHY")
    try:
        assert sorted(migrate.applied(ledger.db)) == VERSIONS and not ledger.db.has_table("deal_terms")
        return Sales(ledger, {"1-1801": "待售"}).deal("CHY-1")
    finally:
        ledger.close()


def test_a_reports_ledger_keeps_its_deal_terms_through_the_rebuild_of_deals(tmp_path):
    path = tmp_path / "p" / ".loupan" / "ledger.sqlite"
    reports_ledger(path)
    deal = _deal(path)
    assert {k: deal[k] for k in TERMS} == TERMS
    assert (deal["project"], deal["total"], deal["deposit"], deal["subscribe_date"]) == (
        "CHY",
        "100.00",
        "10.00",
        "2026-11-20",
    )


@pytest.mark.parametrize("oldest", [True, False])
def test_an_older_ledger_gains_the_deal_terms_empty(tmp_path, oldest):
    path = tmp_path / "p" / ".loupan" / "ledger.sqlite"
    legacy_ledger(path, oldest=oldest)
    deal = _deal(path)
    assert all(deal[k] is None for k in TERMS) and deal["total"] == "100.00"


def test_signing_dates_the_deal_on_an_upgraded_ledger(tmp_path):
    path = tmp_path / "p" / ".loupan" / "ledger.sqlite"
    legacy_ledger(path, oldest=True)
    ledger = Ledger(path, "CHY")
    sales = Sales(ledger, {"1-1801": "待售"})
    with sales.transaction():
        sales.save_deal("CHY-1", status="已签约")
    assert sales.deal("CHY-1")["sign_date"] is not None
    ledger.close()


def test_an_upgrade_stopped_before_0004_keeps_the_terms_aside_until_it_runs(tmp_path, monkeypatch):
    path = tmp_path / "p" / ".loupan" / "ledger.sqlite"
    reports_ledger(path)
    broken = tmp_path / "migrations"
    broken.mkdir()
    for m in migrate.migrations():
        (broken / m.path.name).write_text(m.path.read_text(encoding="utf-8"), encoding="utf-8")
    text = (broken / "0004_deal_terms.sql").read_text(encoding="utf-8")
    (broken / "0004_deal_terms.sql").write_text(text.replace("DROP TABLE deal_terms;", "DROP TABLE nonesuch;"))
    monkeypatch.setattr(migrate, "FOLDER", broken)
    db = Db(str(path))
    with pytest.raises(sqlite3.OperationalError):
        migrate.upgrade(db, "CHY")
    assert sorted(migrate.applied(db)) == VERSIONS[:3] and "salesperson" not in db.columns("deals")
    assert db.one("SELECT salesperson FROM deal_terms WHERE deal_no='CHY-1'")["salesperson"] == "李娜"
    db.close()
    monkeypatch.undo()
    deal = _deal(path)
    assert {k: deal[k] for k in TERMS} == TERMS
