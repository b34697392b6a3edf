"""A scripted day of the example project: the daily reports' totals against figures computed by hand."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from tests.control.conftest import DAY, ESCROW, amend, receipt
from toolkit import api
from toolkit.rules import Refusal


def script_the_day(ws, project, tmp_path, *, cash_deposited=50000):
    for n in (1, 2, 3):
        api.deal_subscribe(ws, project / "deals" / f"CHY-2026-000{n}.yaml")
    receipt(ws, "SJ0001", "张伟", "1-1801", "定金", 50000, channel="现金")
    receipt(ws, "SJ0002", "刘洋", "2-2302", "定金", 100000)
    receipt(ws, "SJ0003", "黄丽", "3-1503", "定金", 80000, channel="POS")
    receipt(ws, "SJ0004", "张伟", "1-1801", "首付款", 2096327)
    moved = amend(project / "deals" / "CHY-2026-0002.yaml", tmp_path / "moved.yaml", unit="2-2301")
    api.change(ws, "room", deal_file=moved, approved_by="王强", date=DAY)
    api.change(ws, "refund", deal_no="CHY-2026-0003", reason_code="买受人原因", approved_by="王强", date=DAY)
    api.money_deposit(ws, date=DAY.isoformat(), kind="现金存款", amount=cash_deposited, account=ESCROW)
    api.money_deposit(ws, date=DAY.isoformat(), kind="银行入账", amount=100000 + 80000 + 2096327, account=ESCROW)


def test_the_daily_report_totals(office, tmp_path):
    ws, project = office
    script_the_day(ws, project, tmp_path)
    d, files = api.report_daily(ws, date=DAY.isoformat(), out=tmp_path / "out", pdf=False)
    # subscriptions at their current terms: 7,154,424 + 7,090,181 (after the room change) + 8,782,444
    assert d.sales["认购"] == {"count": 3, "amount": D("23027049")}
    assert d.sales["换房"] == {"count": 1, "amount": D("7090181")}
    assert d.sales["退房"] == {"count": 1, "amount": D("0")}  # 买受人原因: the 80,000 deposit is forfeited
    assert d.sales["签约"]["count"] == 0
    # 424 units: 5 not free in the price list; today 1-1801 and 2-2301 subscribed, 2-2302 and 3-1503 back on sale
    assert d.statuses == {"待售": 417, "已认购": 4, "已签约": 2, "销控": 1}
    assert d.by_kind == {"定金": D("230000"), "首付款": D("2096327")}
    assert d.by_channel == {"现金": D("50000"), "转账": D("2196327"), "POS": D("80000")}
    assert [r["difference"] for r in d.reconciliation] == [D("0"), D("0")]
    assert d.findings == []
    sheet = load_workbook(files[0])["销售日报"]
    assert ("认购", 3, 23027049) in [tuple(r[:3]) for r in sheet.iter_rows(values_only=True)]


def test_the_cash_report_flags_what_does_not_reconcile(office, tmp_path):
    ws, project = office
    script_the_day(ws, project, tmp_path, cash_deposited=40000)
    receipt(ws, "SJ0006", "张伟", "1-1801", "房款", 1000)  # SJ0005 is missing
    extra = amend(
        project / "deals" / "CHY-2026-0002.yaml", tmp_path / "extra.yaml", deal_no="CHY-2026-0010", unit="2-2304"
    )
    api.deal_subscribe(ws, extra)  # subscribed, no deposit receipt
    d, _ = api.report_daily(ws, date=DAY.isoformat(), out=tmp_path / "out", pdf=False)
    rules = {f.rule for f in d.findings}
    assert rules == {"cash.unreconciled", "receipt.sequence", "receipt.missing_deposit"}
    assert d.reconciliation[0]["difference"] == D("10000")
    assert any("SJ0005" in f.message for f in d.findings)


@pytest.mark.pdf
def test_the_daily_report_as_pdf(office, tmp_path, soffice):
    ws, project = office
    script_the_day(ws, project, tmp_path)
    _, files = api.report_daily(ws, date=DAY.isoformat(), out=tmp_path / "out")
    assert [f.suffix for f in files] == [".xlsx", ".docx", ".pdf"]


def test_receipts_are_checked_when_recorded(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    cases = [
        ({"payer": "路人甲"}, "receipt.payer"),
        ({"account": "6222000000000000"}, "receipt.escrow"),
        ({"unit": "1-1802"}, "receipt.payer"),
        ({"kind": "茶水费"}, "fee.unpublished"),  # a charge not in the published fee list (R-PRICE-01)
        ({"amount": "-5"}, "input.invalid"),
    ]
    for change, rule in cases:
        fields = {
            "no": "SJ0100",
            "payer": "张伟",
            "unit": "1-1801",
            "kind": "定金",
            "amount": 50000,
            "account": ESCROW,
        } | change
        with pytest.raises(Refusal) as exc:
            receipt(
                ws,
                fields["no"],
                fields["payer"],
                fields["unit"],
                fields["kind"],
                fields["amount"],
                account=fields["account"],
            )
        assert exc.value.rule == rule
    receipt(ws, "SJ0100", "张伟", "1-1801", "定金", 50000)
    with pytest.raises(Refusal, match="已登记") as duplicate:
        receipt(ws, "SJ0100", "张伟", "1-1801", "定金", 50000)
    assert duplicate.value.rule == "receipt.duplicate"


def test_receipts_import_from_xlsx_with_refused_rows_named(office, tmp_path):
    from openpyxl import Workbook

    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    wb = Workbook()
    wb.active.append(["no", "date", "payer", "unit", "kind", "amount", "channel", "account", "cashier"])
    wb.active.append(["SJ0001", DAY.isoformat(), "张伟", "1-1801", "定金", 50000, "现金", ESCROW, "钱晓"])
    wb.active.append(["SJ0002", DAY.isoformat(), "冒名", "1-1801", "房款", 1000, "现金", ESCROW, "钱晓"])
    wb.save(tmp_path / "receipts.xlsx")
    done, findings = api.money_import(ws, tmp_path / "receipts.xlsx")
    assert done == 1 and [(f.rule, f.location) for f in findings] == [("receipt.payer", "第3行")]


def test_the_board_shows_each_units_status(office, tmp_path):
    ws, project = office
    script_the_day(ws, project, tmp_path)
    page, png = api.board(ws, out=tmp_path / "board", date=DAY.isoformat())
    html = page.read_text(encoding="utf-8")
    statuses = re.findall(r"data-status='([^']*)'", html)
    assert len(statuses) == 424
    assert statuses.count("已认购") == 4 and statuses.count("已签约") == 2 and statuses.count("销控") == 1
    assert html.count("dashed") == 2 + 1  # 2-2302 and 3-1503 wait for re-pricing (and the legend)
    assert "已认购 CHY-2026-0002" in html
    assert html.count("data-permit='0'") == 68  # building 4 (17 floors × 4) has no pre-sale permit
    from PIL import Image

    with Image.open(png) as img:
        assert img.size[0] > 800 and img.size[1] > 500
        colours = {c for _, c in img.getcolors(1 << 20)}
    assert (244, 166, 192) in colours and (123, 198, 126) in colours  # 已认购 and 待售 cells drawn


def test_bad_command_input_gets_a_clear_message_not_a_traceback(office, capsys):
    from toolkit.cli import main

    ws, project = office
    p = str(project)
    assert (
        main(
            [
                "money",
                "receipt",
                "--no",
                "SJ1",
                "--date",
                "20/11/2026",
                "--payer",
                "张伟",
                "--unit",
                "1-1801",
                "--kind",
                "定金",
                "--amount",
                "1",
                "--channel",
                "现金",
                "--account",
                ESCROW,
                "--project",
                p,
            ]
        )
        == 1
    )
    assert (
        main(
            [
                "money",
                "deposit",
                "--date",
                "2026-11-20",
                "--kind",
                "现金存款",
                "--amount",
                "lots",
                "--account",
                ESCROW,
                "--project",
                p,
            ]
        )
        == 2
    )
    assert main(["report", "daily", "--date", "yesterday", "--project", p]) == 2
    assert main(["change", "refund", "--deal-no", "CHY-2026-0404", "--reason-code", "买受人原因", "--project", p]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error: input.invalid" in err and "--amount" in err and "--date" in err
