"""The daily sales report and cash report (日报), with the reconciliation of the day's money."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.control.filing import filing_findings
from toolkit.control.money import deposit_findings, sequence_findings
from toolkit.domain.money import format_yuan, to_capitals
from toolkit.domain.policy import Policy
from toolkit.findings import Finding
from toolkit.ledger.base import SalesLedger as Sales
from toolkit.ledger.states import UnitStatus
from toolkit.reports.todo import open_items, sheet_rows
from toolkit.rules import finding

ZERO = Decimal(0)
STATUSES = tuple(UnitStatus)


@dataclass
class Daily:
    """The figures of one day."""

    date: str
    sales: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> {count, amount}
    statuses: dict[str, int] = field(default_factory=dict)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    by_kind: dict[str, Decimal] = field(default_factory=dict)
    by_channel: dict[str, Decimal] = field(default_factory=dict)
    reconciliation: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)  # customer cases open on the day (overdue: findings)
    todo: list[dict[str, Any]] = field(default_factory=list)  # what is open and who follows it up (reports/todo.py)


def daily(sales: Sales, date: str, policy: Policy | None = None) -> Daily:
    """Compute the day's sales, status snapshot, receipts, reconciliation and what is open (待办)."""
    d = Daily(date)
    d.sales = _sales(sales, date)
    d.statuses = dict(Counter(u.status for u in sales.all_units().values()))
    d.receipts = [r for r in sales.receipts(date=date) if r["status"] == "有效"]
    d.by_kind = _sum(d.receipts, "kind")
    d.by_channel = _sum(d.receipts, "channel")
    d.reconciliation = _reconcile(d.by_channel, sales.deposits(date))
    d.findings = (
        sequence_findings(sales.receipts())
        + deposit_findings(sales, date)
        + filing_findings(sales, date)
        + _unreconciled(d)
    )
    d.todo = open_items(sales, date, policy)
    return d


def _unreconciled(d: Daily) -> list[Finding]:
    """Report each reconciliation line whose money received and deposited differ."""
    return [
        finding(
            "cash.unreconciled",
            f"{r['item']}差额{format_yuan(r['difference'])}元",
            location=r["item"],
            expected=format_yuan(r["received"]),
            found=format_yuan(r["deposited"]),
        )
        for r in d.reconciliation
        if r["difference"] != 0
    ]


def _sales(sales: Sales, date: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {k: {"count": 0, "amount": ZERO} for k in ("认购", "签约", "换房", "退房")}
    for deal in sales.deals_subscribed_on(date):
        out["认购"]["count"] += 1
        out["认购"]["amount"] += Decimal(deal["total"])
    for e in sales.events_on(date):
        if e["status"] == UnitStatus.CONTRACTED and e["deal_no"]:
            out["签约"]["count"] += 1
            out["签约"]["amount"] += Decimal(sales.deal(e["deal_no"])["total"])
    for c in sales.changes_on(date):
        if c["kind"] == "room":
            out["换房"]["count"] += 1
            out["换房"]["amount"] += Decimal(str(c["payload"]["new_total"]))
        elif c["kind"] == "refund":
            out["退房"]["count"] += 1
            out["退房"]["amount"] += Decimal(str(c["payload"]["refund"]))
    return out


def _sum(rows: list[dict[str, Any]], key: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        out[r[key]] += r["amount"]
    return dict(out)


def _reconcile(by_channel: dict[str, Decimal], deposits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cash received must be deposited the same day; POS and transfers must match the bank's credits."""
    cash_in = sum((x["amount"] for x in deposits if x["kind"] == "现金存款"), ZERO)
    bank_in = sum((x["amount"] for x in deposits if x["kind"] == "银行入账"), ZERO)
    cash = by_channel.get("现金", ZERO)
    other = by_channel.get("POS", ZERO) + by_channel.get("转账", ZERO)
    return [
        {"item": "现金收款与现金存款", "received": cash, "deposited": cash_in, "difference": cash - cash_in},
        {"item": "刷卡及转账收款与银行入账", "received": other, "deposited": bank_in, "difference": other - bank_in},
    ]


def write_xlsx(d: Daily, project_name: str, target: Path) -> Path:
    """Write the report as a workbook: 销售日报, 收款日报, 核对, 待办."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.active.title = "销售日报"
    _rows(wb.active, _sales_rows(d, project_name))
    _rows(wb.create_sheet("收款日报"), _cash_rows(d))
    _rows(wb.create_sheet("核对"), _check_rows(d))
    _rows(wb.create_sheet("待办"), sheet_rows(d.todo))
    for sheet in wb.worksheets:
        sheet["A1"].font = Font(bold=True)
        sheet.column_dimensions["A"].width = 26
    _style_todo(wb["待办"])
    wb.save(target)
    return target


def _style_todo(sheet) -> None:
    """Bold the header, size the columns to what they hold, and print the overdue rows in red."""
    from openpyxl.styles import Font

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (16, 16, 9, 16, 26, 56, 12, 12, 11, 16)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    for row in sheet.iter_rows(min_row=2):
        if len(row) > 8 and str(row[8].value or "").startswith("逾期"):
            for cell in row:
                cell.font = Font(color="C00000")


def _sales_rows(d: Daily, project_name: str) -> list[list[Any]]:
    """The 销售日报 sheet: the day's business, then the units by status."""
    business = [[k, v["count"], float(v["amount"])] for k, v in d.sales.items()]
    statuses = [[s, d.statuses.get(s, 0)] for s in STATUSES if d.statuses.get(s)]
    return [
        [f"{project_name}销售日报", d.date],
        [],
        ["业务", "笔数", "金额（元）"],
        *business,
        [],
        ["房源状态", "套数"],
        *statuses,
    ]


def _cash_rows(d: Daily) -> list[list[Any]]:
    """The 收款日报 sheet: each receipt, then the sums by kind and by channel."""
    header = ["收据号", "日期", "付款人", "房号", "款项", "金额（元）", "大写", "方式", "账户", "收款人"]
    return (
        [header]
        + [_receipt_row(r) for r in d.receipts]
        + [[], ["按款项", "金额（元）"], *([k, float(v)] for k, v in d.by_kind.items())]
        + [[], ["按方式", "金额（元）"], *([k, float(v)] for k, v in d.by_channel.items())]
    )


def _receipt_row(r: dict[str, Any]) -> list[Any]:
    keys = ("no", "date", "payer", "unit", "kind")
    return [
        *(r[k] for k in keys),
        float(r["amount"]),
        to_capitals(r["amount"]),
        r["channel"],
        r["account"],
        r["cashier"],
    ]


def _check_rows(d: Daily) -> list[list[Any]]:
    """The 核对 sheet: money to deposit against money deposited, then the findings."""
    lines = [[r["item"], float(r["received"]), float(r["deposited"]), float(r["difference"])] for r in d.reconciliation]
    return [
        ["项目", "应存（元）", "实存（元）", "差额（元）"],
        *lines,
        [],
        ["问题", "规则"],
        *([f.message, f.rule] for f in d.findings),
    ]


def _rows(ws, rows: list[list[Any]]) -> None:
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: a payer named "=HYPERLINK(...)" is not a formula


def write_docx(d: Daily, project_name: str, target: Path) -> Path:
    """Write the same report as a document, for printing and signing (converted to PDF)."""
    from docx import Document

    doc = Document()
    doc.add_heading(f"{project_name}销售日报 {d.date}", level=1)
    _table(
        doc,
        ["业务", "笔数", "金额（元）"],
        [[k, str(v["count"]), format_yuan(v["amount"])] for k, v in d.sales.items()],
    )
    _table(doc, ["房源状态", "套数"], [[s, str(d.statuses[s])] for s in STATUSES if d.statuses.get(s)])
    doc.add_heading("收款日报", level=2)
    _table(
        doc,
        ["收据号", "付款人", "房号", "款项", "金额（元）", "方式"],
        [[r["no"], r["payer"], r["unit"], r["kind"], format_yuan(r["amount"]), r["channel"]] for r in d.receipts],
    )
    total = sum((r["amount"] for r in d.receipts), ZERO)
    doc.add_paragraph(f"合计：人民币{format_yuan(total)}元（大写：{to_capitals(total)}）")
    doc.add_heading("核对", level=2)
    _table(
        doc,
        ["项目", "应存（元）", "实存（元）", "差额（元）"],
        [
            [r["item"], format_yuan(r["received"]), format_yuan(r["deposited"]), format_yuan(r["difference"])]
            for r in d.reconciliation
        ],
    )
    for f in d.findings:
        doc.add_paragraph(f"{f.rule}：{f.message}")
    if d.cases:
        doc.add_heading("客户个案（未答复）", level=2)
        _table(doc, ["编号", "类别", "客户", "承办人", "答复期限", "上报"],
               [[c["no"], c["kind"], c["who"], c["handler"], c["deadline"], c["escalated_to"] or ""] for c in d.cases])  # fmt: skip
    doc.add_paragraph("案场经理（签字）：　　　　　　　　财务（签字）：　　　　　　　　出纳（签字）：")
    doc.save(str(target))
    return target


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
