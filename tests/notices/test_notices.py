"""Notices: late payment and deadlines by hand, the design-change notice, its answer and the refund it starts."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest

from toolkit import api
from toolkit.control.refunds import interest_lines
from toolkit.notices import terms
from toolkit.rules import Refusal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"
CHANGE = EXAMPLE / "notices" / "design-change.yaml"
D = dt.date


def test_late_payment_by_hand():
    # 1,650,000 due 2026-11-27, 650,000 paid: 1,000,000 overdue; counted to 2026-12-07 = 10 days at 万分之五
    fee = terms.late_fee(Decimal(1650000), Decimal(650000), D(2026, 11, 27), D(2026, 12, 7), 5, 30)
    assert (fee.overdue, fee.days, fee.penalty, fee.beyond_grace) == (Decimal(1000000), 10, Decimal("5000.00"), False)
    # 123,456.78 overdue for 31 days at 万分之五 = 1,913.58 (1913.580...), beyond the 30 grace days
    fee = terms.late_fee(Decimal("123456.78"), Decimal(0), D(2026, 1, 1), D(2026, 2, 1), 5, 30)
    assert (fee.days, fee.penalty, fee.beyond_grace) == (31, Decimal("1913.58"), True)
    assert terms.late_fee(Decimal(100), Decimal(100), D(2026, 1, 1), D(2026, 3, 1), 5, 30).penalty == 0


def test_refund_interest_by_hand():
    # 50,000 paid 2026-11-20, refunded 2026-12-25: 35 days × 3% / 365 = 143.835… → 143.84
    paid = [{"no": "SJ1", "kind": "定金", "date": "2026-11-20", "amount": Decimal(50000), "status": "有效"}]
    (line,) = interest_lines(paid, D(2026, 12, 25), Decimal(3))
    assert (line.days, line.interest) == (35, Decimal("143.84"))


def test_notice_deadlines_fire_late_and_stay_silent_in_time():
    assert terms.change_notice_findings(D(2026, 11, 25), D(2026, 12, 5), "c") == []  # the 10th day
    late = terms.change_notice_findings(D(2026, 11, 25), D(2026, 12, 6), "c")
    assert [f.rule for f in late] == ["notice.deadline"] and "逾期1日" in late[0].message
    assert terms.delivery_notice_findings(D(2028, 6, 30), D(2028, 6, 20), 10, "d") == []
    assert [f.rule for f in terms.delivery_notice_findings(D(2028, 6, 30), D(2028, 6, 21), 10, "d")] == [
        "notice.deadline"
    ]
    assert terms.answer_by(D(2026, 12, 1)) == D(2026, 12, 16)


@pytest.fixture
def office(tmp_path):
    project = tmp_path / "cuihu"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".loupan"))
    ws = api.open_project(project)
    for n in (1, 2):
        api.deal_subscribe(ws, project / "deals" / f"CHY-2026-000{n}.yaml")
    api.money_receipt(ws, no="SJ0001", date="2026-11-20", payer="张伟", unit="1-1801", kind="定金", amount=50000,
                      channel="转账", account="44250100003600001234")  # fmt: skip
    return ws, tmp_path


def test_a_design_change_notice_goes_to_each_affected_buyer_and_reads_back_clean(office):
    ws, tmp = office
    done = api.notice_design_change(ws, CHANGE, tmp / "out", issued=D(2026, 11, 30))
    assert [(no, deal) for no, deal, _ in done.notices] == [("CHY-2026-0001-BG1", "CHY-2026-0001"),
                                                            ("CHY-2026-0002-BG1", "CHY-2026-0002")]  # fmt: skip
    assert done.findings == []
    again = api.notice_design_change(ws, CHANGE, tmp / "again", issued=D(2026, 11, 30))
    assert again.notices == [] and again.already == ["CHY-2026-0001-BG1", "CHY-2026-0002-BG1"]
    from toolkit import cli

    docx = done.notices[0][2].docx
    assert cli.main(["check", "--project", str(ws.project_dir), str(docx)]) == 0  # read back clause by clause
    altered = _replace_in_docx(docx, tmp / "altered.docx", "15日内书面答复", "30日内书面答复")
    assert cli.main(["check", "--project", str(ws.project_dir), str(altered)]) == 1


def _replace_in_docx(source: Path, target: Path, old: str, new: str) -> Path:
    import zipfile

    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w") as out:
        for item in z.infolist():
            data = z.read(item)
            out.writestr(
                item, data.replace(old.encode(), new.encode()) if item.filename == "word/document.xml" else data
            )
    return target


def test_a_rescission_in_time_starts_the_refund_and_shows_in_the_history(office):
    ws, tmp = office
    api.notice_design_change(ws, CHANGE, tmp / "out", issued=D(2026, 11, 30))
    with pytest.raises(Refusal) as err:  # no answer before the notice is served
        api.notice_answer(ws, "CHY-2026-0001-BG1", "解除", D(2026, 12, 2))
    assert err.value.rule == "notice.deadline"
    api.notice_sent(ws, "CHY-2026-0001-BG1", D(2026, 12, 1))
    result = api.notice_answer(ws, "CHY-2026-0001-BG1", "解除", D(2026, 12, 10), approved_by="王强")
    assert result.kind == "refund" and result.status == "executed"
    assert result.figures["refund"] == Decimal(50000)  # 双方均无过错: the deposit back in full
    # 50,000 × 3% × 35 days (paid 11-20, refund due 12-10 + 15) / 365, at the change record's rate
    assert result.figures["interest"] == Decimal("143.84")
    history = [e["what"] for e in api.deal_history(ws, "CHY-2026-0001")]
    assert "通知 design_change 送达" in history and any(w.startswith("买受人答复：解除") for w in history)


def test_a_rescission_after_fifteen_days_is_refused(office):
    ws, tmp = office
    api.notice_design_change(ws, CHANGE, tmp / "out", issued=D(2026, 11, 30))
    api.notice_sent(ws, "CHY-2026-0002-BG1", D(2026, 12, 1))
    with pytest.raises(Refusal) as err:
        api.notice_answer(ws, "CHY-2026-0002-BG1", "解除", D(2026, 12, 17))
    assert err.value.rule == "notice.deadline"
    assert api.notice_answer(ws, "CHY-2026-0002-BG1", "接受", D(2026, 12, 17)) is None


def test_the_overdue_reminder_carries_the_late_payment(office):
    ws, tmp = office
    api.money_receipt(ws, no="SJ0002", date="2026-11-27", payer="张伟", unit="1-1801", kind="首付款", amount=650000,
                      channel="转账", account="44250100003600001234")  # fmt: skip
    # 1,650,000 due, 650,000 paid: 1,000,000 × 万分之五 × 10 days (11-28 … 12-07) = 5,000.00; 500.00 a day more
    done = api.notice_overdue(ws, "CHY-2026-0001", tmp / "out", item="首付款", due=D(2026, 11, 27),
                              amount=Decimal(1650000), on=D(2026, 12, 7))  # fmt: skip
    no, _, doc = done.notices[0]
    ctx = doc.docx.with_suffix(".json").read_text("utf-8")
    assert no == "CHY-2026-0001-CJ1" and '"penalty": "5000.00"' in ctx and '"per_day": "500.00"' in ctx


def test_the_delivery_notice_goes_to_contracted_buyers_in_time_and_reads_back(office):
    from toolkit import cli

    ws, tmp = office
    api.deal_sign(ws, "CHY-2026-0002")  # CHY-2026-0001 stays subscribed: no delivery notice for it
    done = api.notice_delivery(ws, tmp / "d", issued=D(2028, 6, 20), start=D(2028, 6, 25), end=D(2028, 6, 30),
                               place="翠湖苑销售中心")  # fmt: skip
    assert [(no, deal) for no, deal, _ in done.notices] == [("CHY-2026-0002-JF1", "CHY-2026-0002")]
    assert done.findings == []  # 2028-06-20 is 10 days before the delivery date 2028-06-30
    assert cli.main(["check", "--project", str(ws.project_dir), str(done.notices[0][2].docx)]) == 0
    late = api.notice_delivery(ws, tmp / "late", issued=D(2028, 6, 21), start=D(2028, 6, 25), end=D(2028, 6, 30),
                               place="翠湖苑销售中心")  # fmt: skip
    assert [f.rule for f in late.findings] == ["notice.deadline"]


def test_a_rescission_of_a_filed_contract_needs_its_unfiling(office):
    ws, tmp = office
    with mock.patch("toolkit.ledger.sales.now", lambda: "2026-11-25T10:00:00.000+00:00"):  # signed and filed
        api.deal_sign(ws, "CHY-2026-0001")
        api.deal_file(ws, "CHY-2026-0001")
    api.notice_design_change(ws, CHANGE, tmp / "out", issued=D(2026, 11, 30))  # a filed contract stands: notified
    api.notice_sent(ws, "CHY-2026-0001-BG1", D(2026, 12, 1))
    with pytest.raises(Refusal) as err:
        api.notice_answer(ws, "CHY-2026-0001-BG1", "解除", D(2026, 12, 10), approved_by="王强")
    assert err.value.rule == "refund.filed" and "撤销备案" in str(err.value)
    assert not any(e["what"].startswith("买受人答复") for e in api.deal_history(ws, "CHY-2026-0001"))
    result = api.notice_answer(ws, "CHY-2026-0001-BG1", "解除", D(2026, 12, 10), approved_by="王强",
                               unfiled_on=D(2026, 12, 8), unfiling_no="深住建撤备〔2026〕3号")  # fmt: skip
    assert result.status == "executed" and result.figures["unfiling_no"] == "深住建撤备〔2026〕3号"
