"""Receipts and the law: no money of any kind before the permit covers the unit (R-PERMIT-02)."""

from __future__ import annotations

import pytest

from tests.control.conftest import DAY, ESCROW, receipt, state
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


def test_purchase_money_before_signing_is_taken_with_a_warning(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    receipt(ws, "SJ0500", "张伟", "1-1801", "定金", 50000)
    early = receipt(ws, "SJ0501", "张伟", "1-1801", "首付款", 2096327)  # between 认购 and 签约 (R-SUB-02)
    assert [(f.rule, f.severity) for f in early.findings] == [("receipt.prepayment", "warning")]
    assert "SJ0501" in early.findings[0].message and "首付款" in early.findings[0].message
    s = api.sales(ws)
    try:
        assert [r["no"] for r in s.receipts(deal_no="CHY-2026-0001")] == ["SJ0500", "SJ0501"]  # recorded all the same
    finally:
        s.close()


def test_the_deposit_before_signing_and_purchase_money_after_it_carry_no_warning(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    assert receipt(ws, "SJ0600", "张伟", "1-1801", "定金", 50000).findings == ()
    api.deal_sign(ws, "CHY-2026-0001")
    assert receipt(ws, "SJ0601", "张伟", "1-1801", "首付款", 2096327).findings == ()


def test_a_refund_goes_only_to_a_payer_of_the_deal(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    receipt(ws, "SJ0700", "张伟", "1-1801", "定金", 50000)
    with pytest.raises(Refusal) as exc:
        api.change(ws, "refund", deal_no="CHY-2026-0001", reason_code="双方均无过错", approved_by="王强",
                   date=DAY, payee="赵六")  # fmt: skip
    assert exc.value.rule == "refund.payee" and "张伟" in str(exc.value) and "赵六" in str(exc.value)


def test_a_refund_with_loan_money_names_the_lender_it_goes_back_to(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    receipt(ws, "SJ0800", "张伟", "1-1801", "定金", 50000)
    api.deal_sign(ws, "CHY-2026-0001")
    receipt(ws, "SJ0801", "张伟", "1-1801", "按揭款", 3000000)
    ask = dict(
        deal_no="CHY-2026-0001", reason_code="贷款未获批准（非双方原因）", approved_by="王强", date=DAY, payee="张伟"
    )
    with pytest.raises(Refusal) as exc:
        api.change(ws, "refund", **ask)
    assert exc.value.rule == "refund.payee" and "贷款" in str(exc.value)
    done = api.change(ws, "refund", **ask, loan_to="中国建设银行深圳南山支行")
    assert done.result.kind == "refund" and state(ws, "1-1801").status == "待售"


def test_a_refund_to_the_payer_is_done(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    receipt(ws, "SJ0900", "张伟", "1-1801", "定金", 50000)
    api.change(ws, "refund", deal_no="CHY-2026-0001", reason_code="双方均无过错", approved_by="王强", date=DAY,
               payee="张伟")  # fmt: skip
    assert state(ws, "1-1801").status == "待售"
