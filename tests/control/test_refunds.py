"""退房 money and guards: interest on a refund its reason bears (by hand), and a filed contract rescinded only
after its 撤销备案 (R-BAN-04, R-REG-01)."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal as D
from unittest import mock

import pytest
from docx import Document

from tests.control.conftest import receipt, state
from toolkit import api
from toolkit.errors import PolicyError
from toolkit.rules import Refusal

pytestmark = pytest.mark.usefixtures("ledger_backend")

REFUND_DAY = dt.date(2026, 12, 10)  # the refund falls due 15 days later, 2026-12-25


@contextlib.contextmanager
def _on(day: str):
    with mock.patch("toolkit.ledger.sales.now", lambda: f"{day}T10:00:00.000+00:00"):
        yield


def _paid(ws, project):
    """Deal 3 (3-1503, 黄丽, deposit 80,000 on file) with 50,000 paid on 11-20 and 150,000 on 11-29."""
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0003.yaml")
    receipt(ws, "SJ0001", "黄丽", "3-1503", "定金", 50000)
    api.money_receipt(ws, no="SJ0002", date="2026-11-29", payer="黄丽", unit="3-1503", kind="房款", amount=150000,
                      channel="转账", account="44250100003600001234", cashier="钱晓")  # fmt: skip


def _refund(ws, project, reason: str, **extra):
    return api.change(ws, "refund", deal_no="CHY-2026-0003", reason_code=reason, approved_by="王强", date=REFUND_DAY,
                      out=project / "out", payee="黄丽", account="6222000011112222", **extra)  # fmt: skip


def _text(docx) -> str:
    doc = Document(str(docx))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_an_area_difference_refund_bears_interest_on_each_payment_to_the_due_day(office):
    ws, project = office
    _paid(ws, project)
    result, form = _refund(ws, project, "面积误差超出约定（买受人解除合同）")
    f = result.figures
    # 50,000 × 3% × 35 days (11-20 → 12-25) / 365 = 143.835… → 143.84; 150,000 × 3% × 26 / 365 = 320.547… → 320.55
    assert [(x["no"], x["days"], x["interest"]) for x in f["interest_lines"]] == [
        ("SJ0001", 35, D("143.84")),
        ("SJ0002", 26, D("320.55")),
    ]
    assert (f["refund"], f["interest"], f["refund_total"]) == (D(200000), D("464.39"), D("200464.39"))
    assert f["interest_until"] == dt.date(2026, 12, 25) and f["interest_rate_pct"] == D("3.0")
    text = _text(form.docx)
    assert "2026年11月20日公布的一年期贷款市场报价利率（LPR），即年利率3%" in text
    assert "计至应退款之日2026年12月25日止" in text
    assert "464.39" in text and "人民币肆佰陆拾肆元叁角玖分" in text
    assert "将应退还金额合计人民币200,464.39元（大写：人民币贰拾万零肆佰陆拾肆元叁角玖分）" in text


@pytest.mark.parametrize("reason", ["买受人原因", "双方均无过错"])
def test_a_refund_whose_reason_bears_no_interest_says_so(office, reason):
    ws, project = office
    _paid(ws, project)
    result, form = _refund(ws, project, reason)
    assert (result.figures["interest"], result.figures["interest_lines"]) == (D(0), [])
    assert result.figures["refund_total"] == result.figures["refund"]
    text = _text(form.docx)
    assert f"本次退房的原因类别为{reason}，依法不计付利息" in text and "利息明细" not in text


def test_the_project_sets_the_rate_and_a_bad_rate_is_named(office):
    ws, project = office
    _paid(ws, project)
    (project / "policies.yaml").write_text("refund_interest: {rate_pct: 三厘}\n", "utf-8")
    with pytest.raises(PolicyError, match=r"refund_interest\.rate_pct.*三厘"):
        _refund(api.open_project(project), project, "出卖人原因")
    assert state(ws, "3-1503").status == "已认购"  # nothing recorded
    (project / "policies.yaml").write_text("refund_interest: {rate_pct: 3.45, quoted: '2026-12-22'}\n", "utf-8")
    result, form = _refund(api.open_project(project), project, "出卖人原因")
    # 双倍返还定金: 200,000 + the 50,000 paid as 定金 (80,000 agreed, 50,000 paid: the paid amount counts);
    # interest on the 200,000 paid: 50,000 × 3.45% × 35 / 365 = 165.41; 150,000 × 3.45% × 26 / 365 = 368.63
    assert (result.figures["refund"], result.figures["interest"]) == (D(250000), D("534.04"))
    assert "2026年12月22日公布的一年期贷款市场报价利率（LPR），即年利率3.45%" in _text(form.docx)


def _filed(ws, project):
    _paid(ws, project)
    with _on("2026-11-25"):
        api.deal_sign(ws, "CHY-2026-0003")
    with _on("2026-12-01"):
        api.deal_file(ws, "CHY-2026-0003")


def test_a_filed_contract_is_not_rescinded_without_its_unfiling(office):
    ws, project = office
    _filed(ws, project)
    with pytest.raises(Refusal) as exc:
        _refund(ws, project, "双方均无过错")
    assert exc.value.rule == "refund.filed" and "须先向房产管理部门办理撤销备案" in str(exc.value)
    assert "--unfiled-on" in str(exc.value)
    for day, no in ((dt.date(2026, 12, 5), ""), (dt.date(2026, 11, 30), "深住建撤备〔2026〕12号"),
                    (dt.date(2026, 12, 11), "深住建撤备〔2026〕12号")):  # fmt: skip
        with pytest.raises(Refusal) as exc:  # no reference, before the filing, after the refund's date
            _refund(ws, project, "双方均无过错", unfiled_on=day, unfiling_no=no)
        assert exc.value.rule == "refund.filed"
    assert state(ws, "3-1503").status == "已备案"


def test_a_filed_contract_is_rescinded_after_its_unfiling_and_the_form_says_so(office):
    ws, project = office
    _filed(ws, project)
    result, form = _refund(
        ws, project, "双方均无过错", unfiled_on=dt.date(2026, 12, 8), unfiling_no="深住建撤备〔2026〕12号"
    )
    assert result.status == "executed" and result.figures["unfiling_no"] == "深住建撤备〔2026〕12号"
    assert (state(ws, "3-1503").status, state(ws, "3-1503").needs_pricing) == ("待售", True)
    history = [e["status"] for e in api.unit_show(ws, "3-1503").history]
    assert history == ["已认购", "已签约", "已备案", "待售（待价格审核）"]
    assert "已于2026年12月8日向房产管理部门办理撤销备案，撤销备案文号为深住建撤备〔2026〕12号" in _text(form.docx)


def test_a_contract_not_filed_needs_no_unfiling_and_its_form_prints_none(office):
    ws, project = office
    _paid(ws, project)
    api.deal_sign(ws, "CHY-2026-0003")
    result, form = _refund(ws, project, "双方均无过错")
    assert result.status == "executed" and "unfiling_no" not in result.figures
    assert "撤销备案文号" not in _text(form.docx)


def test_the_deposit_penalty_counts_what_was_paid_as_deposit_not_the_price_paid(office):
    """民法典第五百八十六条 (R-DEP-01): the 定金 is the amount actually paid as 定金; money paid towards the price
    is not 定金 and is neither forfeited nor doubled."""
    ws, project = office
    _paid(ws, project)  # 80,000 agreed; 50,000 paid as 定金, 150,000 as 房款
    result, form = _refund(ws, project, "买受人原因")
    assert (result.figures["forfeited"], result.figures["refund"]) == (D(50000), D(150000))
    text = _text(form.docx)
    assert "其中：定金\n50,000.00\n人民币伍万元整" in text and "80,000.00" not in text  # the paid 定金, not the agreed


def test_a_deposit_above_a_fifth_of_the_price_has_no_deposit_effect_beyond_it():
    from toolkit.control.changes import refund_figures
    from toolkit.domain.policy import load_policy

    policy = load_policy(None)
    # 定金 300,000 paid on a 1,000,000 price: only 200,000 (20%) is 定金; the rest is returned as any payment
    double = refund_figures(policy, "出卖人原因", D(300000), D(300000), D(1000000))
    forfeit = refund_figures(policy, "买受人原因", D(300000), D(300000), D(1000000))
    assert (double["refund"], forfeit["forfeited"], forfeit["refund"]) == (D(500000), D(200000), D(100000))
