"""Receipts and the law: no money of any kind before the permit covers the unit (R-PERMIT-02)."""

from __future__ import annotations

import pytest

from tests.control.conftest import ESCROW, receipt
from toolkit import api
from toolkit.rules import Refusal

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test on SQLite and on PostgreSQL


def _at(ws, date: str, no: str, kind: str, unit: str = "1-1801", payer: str = "张伟"):
    return api.money_receipt(
        ws, no=no, date=date, payer=payer, unit=unit, kind=kind, amount=50000, channel="转账", account=ESCROW
    )


def test_money_before_the_permit_is_refused(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    with pytest.raises(Refusal) as exc:
        _at(ws, "2026-02-28", "SJ0200", "定金")  # building 1's permit was issued on 2026-03-01
    assert exc.value.rule == "receipt.before_permit"
    assert "2026-02-28" in str(exc.value) and "1号楼" in str(exc.value)


def test_money_for_a_building_without_any_permit_is_refused_even_without_a_deal(office):
    ws, _ = office
    with pytest.raises(Refusal) as exc:
        _at(ws, "2026-11-20", "SJ0201", "定金", unit="4-0801")  # building 4 has no permit at all
    assert exc.value.rule == "receipt.before_permit"


def test_money_on_or_after_the_permit_date_is_taken(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    receipt(ws, "SJ0400", "张伟", "1-1801", "定金", 50000)
    api.deal_sign(ws, "CHY-2026-0001")
    receipt(ws, "SJ0401", "张伟", "1-1801", "首付款", 2096327)
    _at(ws, "2026-03-01", "SJ0402", "补差款")  # the permit's own day is covered
