"""Sales control (销控) through the api: units, deals, changes, money, the daily report and the board.

Each function opens the project's ledger, works in its transactions and closes it; each returns a typed result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from toolkit.checks.run import check_deal
from toolkit.control.changes import KIND_NAMES as CHANGE_KINDS  # noqa: F401 - 退房, 换房, 更名, 价格变更 for the CLI
from toolkit.control.changes import ChangeResult
from toolkit.domain.ids import mask_data, mask_id
from toolkit.errors import UsageError
from toolkit.findings import Finding
from toolkit.inbox.names import mask
from toolkit.ledger.sales import Sales
from toolkit.ledger.store import open_ledger
from toolkit.render.batch import RenderedDoc
from toolkit.render.context import change_context
from toolkit.render.pdf import find_soffice
from toolkit.workspace import Workspace

__all__ = [
    "ChangeDone",
    "DailyDone",
    "Imported",
    "ReceiptRecorded",
    "UnitPrice",
    "UnitView",
    "board",
    "change",
    "change_approve",
    "deal_file",
    "deal_sign",
    "deal_subscribe",
    "money_deposit",
    "money_import",
    "money_receipt",
    "report_daily",
    "sales",
    "unit_action",
    "unit_show",
]


def sales(ws: Workspace) -> Sales:
    """Open the project's sales control on its ledger (the caller closes it with `.close()`)."""
    ledger = open_ledger(ws.project_dir, ws.ledger_url, ws.project.code)  # the URL chooses the backend, here only
    return Sales(ledger, {c: u.status for c, u in ws.project.units.items()})


@contextlib.contextmanager
def _sales(ws: Workspace) -> Iterator[Sales]:
    s = sales(ws)
    try:
        yield s
    finally:
        s.close()


@contextlib.contextmanager
def _writing(ws: Workspace) -> Iterator[Sales]:
    """Open sales control for one action: its guards read and its writes land in one transaction."""
    with _sales(ws) as s, s.transaction():
        yield s


# -- units ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnitPrice:
    """A unit's list price."""

    list_unit_price: str
    building_area: str
    list_total: str


@dataclass(frozen=True)
class UnitView:
    """A unit as `unit show` prints it: status, price, deal (IDs masked), documents, changes, history."""

    code: str
    status: str
    pending: str | None
    needs_pricing: bool
    price: UnitPrice
    deal: dict[str, Any] | None
    documents: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


def unit_show(ws: Workspace, code: str) -> UnitView:
    """Return a unit's status, price, deal, documents, changes and history."""
    unit = ws.project.units.get(code)
    if unit is None:
        raise UsageError(f"项目 {ws.project.code} 的价目表中没有房号 {code}")
    total = (unit.list_unit_price * unit.building_area).quantize(Decimal("0.01"))
    price = UnitPrice(str(unit.list_unit_price), str(unit.building_area), str(total))
    with _sales(ws) as s:
        state = s.unit(code)
        deal = s.deal(state.deal_no) if state.deal_no else None
        docs = [
            {"id": r.id, "file": mask(r.name), "document": r.document, "outcome": r.outcome, "filed_as": r.filed_path}
            for r in s.ledger.files_of_unit(code)
        ]
        return UnitView(
            code,
            state.status,
            state.pending,
            state.needs_pricing,
            price,
            mask_data(_masked_deal(deal)),
            mask_data(docs),
            mask_data(s.changes_of_unit(code)),
            mask_data(s.history(code)),
        )  # fmt: skip  (personal numbers masked)


def _masked_deal(deal: dict[str, Any] | None) -> dict[str, Any] | None:
    if deal is None:
        return None
    buyers = [{"name": b["name"], "id_no": mask_id(b["id_no"]), "share_pct": b["share_pct"]} for b in deal["buyers"]]
    return {**deal, "buyers": buyers}


def unit_action(ws: Workspace, action: str, code: str, *, approved_by: str) -> None:
    """价格审核 (reprice), 销控 (hold) or 解除销控 (release) a unit."""
    from toolkit.control import changes as flows

    with _writing(ws) as s:
        if action == "reprice":
            flows.reprice(s, ws.project, ws.policy, code, approved_by=approved_by)
        else:
            flows.hold(s, ws.project, ws.policy, code, approved_by=approved_by, release=action == "release")


# -- deals and changes ------------------------------------------------------------------------------------
def deal_subscribe(ws: Workspace, deal_file: Path) -> None:
    """Record a signed 认购 in the ledger: every deal rule, and the unit free in the ledger."""
    from toolkit.control.changes import subscribe

    with _writing(ws) as s:
        subscribe(s, check_deal(Path(deal_file), ws.project, ws.pack, ws.policy))


def deal_sign(ws: Workspace, deal_no: str) -> None:
    """Record the contract of a subscribed deal."""
    from toolkit.control.changes import sign

    with _writing(ws) as s:
        sign(s, deal_no)


def deal_file(ws: Workspace, deal_no: str) -> None:
    """Record the 备案 of a signed contract (R-REG-01: within 30 days of signing)."""
    from toolkit.control.filing import file_contract

    with _writing(ws) as s:
        file_contract(s, deal_no)


class ChangeDone(NamedTuple):
    """A change recorded, and its form when the pack has one and an output folder was given."""

    result: ChangeResult
    form: RenderedDoc | None


def change(
    ws: Workspace,
    kind: str,
    *,
    out: Path | None = None,
    deal_file: Path | None = None,
    deal_no: str | None = None,
    **options: Any,
) -> ChangeDone:
    """Record a 换房 (room), 退房 (refund), 更名 (rename) or 价格变更 (price); render its form when it has one."""
    from toolkit.control import changes as flows

    options.setdefault("date", dt.date.today())
    with _writing(ws) as s:
        if kind == "refund":
            result = flows.refund(s, ws.project, ws.policy, str(deal_no), **options)
        elif kind in flows.AMENDING:
            if deal_file is None:
                raise UsageError(f"{kind} 需要 --deal FILE：变更后的交易文件")
            amended = check_deal(Path(deal_file), ws.project, ws.pack, ws.policy)
            result = flows.AMENDING[kind](s, ws.project, ws.policy, amended, **options)
        else:
            raise UsageError(f"未知的变更 {kind!r}：应为 refund、{'、'.join(flows.AMENDING)} 之一")
    return ChangeDone(result, _change_form(ws, result.no, out))


def change_approve(
    ws: Workspace, no: str, *, approved_by: str, approval_no: str = "", out: Path | None = None
) -> ChangeDone:
    """Approve a requested change and carry it out."""
    from toolkit.control.changes import approve

    with _writing(ws) as s:
        result = approve(s, ws.project, ws.policy, no, approved_by=approved_by, approval_no=approval_no)
    return ChangeDone(result, _change_form(ws, no, out))


def _change_form(ws: Workspace, no: str, out: Path | None) -> RenderedDoc | None:
    """Render a change's form once the change is committed (a form that fails never undoes the change)."""
    with _sales(ws) as s:
        change_ = s.change(no)
        doc_id = f"change_{change_['kind']}"
        if out is None or doc_id not in ws.pack.documents:
            return None
        ctx = change_context(ws.project, ws.policy, change_, s.deal(change_["deal_no"]), s.paid(change_["deal_no"]))
    return ws.renderer.render(doc_id, no, ctx, Path(out))


# -- money ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReceiptRecorded:
    """A receipt as it was recorded, with the deal it was paid for."""

    no: str
    date: str
    payer: str
    unit: str
    kind: str
    amount: Decimal
    channel: str
    account: str
    cashier: str
    deal_no: str
    findings: tuple[Finding, ...] = ()  # warnings the receipt was taken with (receipt.prepayment)


def money_receipt(ws: Workspace, **receipt: Any) -> ReceiptRecorded:
    """Record a receipt after the cashier's checks."""
    from toolkit.control.money import add_receipt

    with _writing(ws) as s:
        return ReceiptRecorded(**add_receipt(s, ws.project, ws.policy, **receipt))


class Imported(NamedTuple):
    """How many receipts an import took, and a finding for each row it refused."""

    imported: int
    findings: list[Finding]


def money_import(ws: Workspace, path: Path) -> Imported:
    """Import receipts from an XLSX sheet; return how many were taken and the refused rows."""
    from toolkit.control.money import import_receipts

    with _writing(ws) as s:
        return Imported(*import_receipts(s, ws.project, ws.policy, Path(path)))


def money_deposit(ws: Workspace, *, date: str, kind: str, amount: Any, account: str, reference: str = "") -> None:
    """Record a cash deposit (现金存款) or a bank credit (银行入账)."""
    if kind not in ("现金存款", "银行入账"):
        raise UsageError(f"存款类型应为 现金存款 或 银行入账，实际为 {kind!r}")
    try:
        value = Decimal(str(amount).replace(",", ""))
    except ArithmeticError:
        raise UsageError(f"--amount：应为金额（元），实际为 {amount!r}") from None
    with _writing(ws) as s:
        s.add_deposit(date, kind, value, account, reference)


# -- reports ----------------------------------------------------------------------------------------------
class DailyDone(NamedTuple):
    """The day's figures and findings, and the files written."""

    report: Any
    files: list[Path]


def report_daily(ws: Workspace, *, date: str, out: Path, pdf: bool = True) -> DailyDone:
    """Write the daily sales and cash report (XLSX, and PDF when LibreOffice is there)."""
    from toolkit.reports import daily as report
    from toolkit.reports.todo import case_items

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with _sales(ws) as s:
        d = report.daily(s, date, ws.policy)
    from toolkit.api.paper import case_review  # open cases, and the overdue ones escalated (issue 17)

    d.cases, overdue = case_review(ws, dt.date.fromisoformat(date))
    d.findings += overdue
    d.todo += case_items(d.cases, date)
    stem = out / f"{ws.project.code}-daily-{date}"
    files = [report.write_xlsx(d, ws.project.name, stem.with_suffix(".xlsx"))]
    docx_path = report.write_docx(d, ws.project.name, stem.with_suffix(".docx"))
    files.append(docx_path)
    if pdf and find_soffice():
        from toolkit.render.pdf import convert as to_pdf_files

        files += to_pdf_files([docx_path], out)
    return DailyDone(d, files)


def board(ws: Workspace, *, out: Path, date: str | None = None) -> list[Path]:
    """Write the 销控表 as an HTML page and a PNG."""
    from toolkit.reports import board as wall

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    date = date or dt.date.today().isoformat()
    with _sales(ws) as s:
        states = s.all_units()
    page = out / f"{ws.project.code}-board.html"
    page.write_text(wall.html(ws.project, states, date), encoding="utf-8")
    return [page, wall.png(ws.project, states, date, out / f"{ws.project.code}-board.png")]
