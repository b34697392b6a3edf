"""The office's paperwork through the api: the price list from a scheme, notices to buyers, cases, the duty sheet.

Each function opens what it needs of the project's ledger, works and closes it; the CLI calls only these.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.api.sales import sales as open_sales
from toolkit.errors import UsageError
from toolkit.findings import Finding, has_errors
from toolkit.ledger.db import is_pg, resolve
from toolkit.ledger.paper import Paper
from toolkit.ledger.states import DealStatus
from toolkit.ledger.store import open_ledger
from toolkit.render.batch import RenderedDoc
from toolkit.rules import Refusal
from toolkit.workspace import Workspace

__all__ = [
    "NoticesDone",
    "case_answer",
    "case_open",
    "case_review",
    "duty_sheet",
    "deal_history",
    "notice_answer",
    "notice_delivery",
    "notice_design_change",
    "notice_overdue",
    "notice_sent",
    "notices_to_pdf",
    "paper",
    "price_history",
    "pricing_build",
    "unit_statuses",
]


@contextlib.contextmanager
def paper(ws: Workspace) -> Iterator[Paper]:
    """Open the project's paperwork tables (price history, notices, cases) on its ledger."""
    p = Paper(open_ledger(ws.project_dir, ws.ledger_url, ws.project.code))
    try:
        yield p
    finally:
        p.close()


def _has_ledger(ws: Workspace) -> bool:
    """Say whether the project has a ledger yet (a shared database always has)."""
    url = resolve(ws.project_dir, ws.ledger_url)
    return is_pg(url) or Path(url).is_file()


def unit_statuses(ws: Workspace) -> dict[str, str]:
    """Return each unit's status now: the ledger's, else the price list's (no ledger is made to read them)."""
    if not _has_ledger(ws):
        return {code: u.status for code, u in ws.project.units.items()}
    s = open_sales(ws)
    try:
        return {code: str(u.status) for code, u in s.all_units().items()}
    finally:
        s.close()


def pricing_build(ws: Workspace, scheme: Path, out: Path, *, record: bool = False, pdf: bool = True) -> Any:
    """Price the project from a scheme, check it, write the price list, 价目表 and approval form.

    With `record`, the new prices are kept in the ledger's price history from the scheme's date (what makes a
    later 原价 checkable), unless a check found an error: a price list that may not be approved is not history.
    """
    from toolkit import pricing

    statuses = unit_statuses(ws)
    scheme_data = pricing.load_scheme(scheme)
    earlier: dict[str, str] = {}
    if _has_ledger(ws):
        with paper(ws) as p:
            earlier = p.last_prices_before(scheme_data.effective.isoformat())
    built = pricing.build(ws.project, ws.project_dir, scheme, out, statuses=statuses, earlier=earlier, pdf=pdf)
    if record and not has_errors(built.findings):
        built.recorded = True
        rows = [(x.unit.code, str(x.unit.list_unit_price), str(x.unit.filed_unit_price), str(x.unit.floor_unit_price))
                for x in built.priced]  # fmt: skip
        with paper(ws) as p:
            p.record_prices(rows, built.scheme.name, built.scheme.effective.isoformat())
    return built


def price_history(ws: Workspace, code: str) -> list[dict[str, Any]]:
    """Return a unit's list prices on record, oldest first."""
    with paper(ws) as p:
        return p.price_history(code)


# -- notices ----------------------------------------------------------------------------------------------
@dataclass
class NoticesDone:
    """The notices issued (number, deal, document) and the deadline findings on them."""

    notices: list[tuple[str, str, RenderedDoc]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # notices of the same change issued before, not issued again


@contextlib.contextmanager
def _both(ws: Workspace) -> Iterator[tuple[Any, Paper]]:
    """Open sales control and the paperwork on one connection (one transaction can hold both)."""
    s = open_sales(ws)
    try:
        yield s, Paper(s.ledger)
    finally:
        s.close()


def _issue(ws: Workspace, p: Paper, kind: str, doc_id: str, deal: dict[str, Any], notice: dict[str, Any],
           out: Path, extra: dict[str, Any] | None = None) -> tuple[str, str, RenderedDoc]:  # fmt: skip
    from toolkit.notices.letters import letter_context

    ctx = letter_context(ws.project, ws.policy, deal, notice) | (extra or {})
    doc = ws.renderer.render(doc_id, notice["no"], ctx, Path(out))
    p.add_notice(notice["no"], kind=kind, deal_no=deal["deal_no"], unit=deal["unit"], payload=notice | (extra or {}),
                 issued=notice["date"].isoformat())  # fmt: skip
    return notice["no"], deal["deal_no"], doc


def notice_design_change(ws: Workspace, change: Path, out: Path, *, issued: dt.date | None = None) -> NoticesDone:
    """Write a design-change notice to the buyers of every standing deal on the units the change affects."""
    from toolkit.notices import letters, terms

    record = letters.read_change(change, ws.project)
    issued = issued or dt.date.today()
    done = NoticesDone(findings=terms.change_notice_findings(record.approved, issued, str(change)))
    extra = {"change": letters.change_fields(record), "rescission_reason": record.rescission_reason,
             "lpr_pct": str(record.lpr_pct)}  # fmt: skip
    with _both(ws) as (s, p):
        for deal in letters.affected_deals(s, ws.project, record):
            earlier = [
                n["no"] for n in p.notices_of_deal(deal["deal_no"]) if n["payload"].get("change_no") == record.no
            ]
            if earlier:
                done.already += earlier
                continue
            no = letters.next_no(p, "design_change", deal["deal_no"])
            notice = letters.design_change_notice(record, no, issued)
            done.notices.append(_issue(ws, p, "design_change", "notice_design_change", deal, notice, out, extra))
    return done


def notice_delivery(ws: Workspace, out: Path, *, issued: dt.date, start: dt.date, end: dt.date, place: str,
                    deal_no: str | None = None) -> NoticesDone:  # fmt: skip
    """Write the delivery notice to the buyers of every contracted deal (or one deal)."""
    from toolkit.notices import letters, terms

    t = ws.project.data["contract_terms"]
    delivery = ws.project.data["project"]["delivery_date"]
    done = NoticesDone(findings=terms.delivery_notice_findings(delivery, issued, int(t["delivery_notice_days"]),
                                                               "delivery"))  # fmt: skip
    with _both(ws) as (s, p):
        deals = [
            s.deal(d) for d in ([deal_no] if deal_no else [x["deal_no"] for x in s.open_deals(issued.isoformat())])
        ]
        for deal in (d for d in deals if d["status"] == str(DealStatus.CONTRACTED)):
            notice = letters.delivery_notice(letters.next_no(p, "delivery", deal["deal_no"]), issued, start, end, place)
            done.notices.append(_issue(ws, p, "delivery", "notice_delivery", deal, notice, out))
    return done


def notice_overdue(ws: Workspace, deal_no: str, out: Path, *, item: str, due: dt.date, amount: Decimal,
                   on: dt.date) -> NoticesDone:  # fmt: skip
    """Write the reminder of an overdue instalment, with the late payment the contract sets."""
    from toolkit.notices import letters

    with _both(ws) as (s, p):
        deal = s.deal(deal_no)
        paid = sum((r["amount"] for r in s.receipts(deal_no=deal_no) if r["kind"] == item and r["status"] == "有效"),
                   Decimal(0))  # fmt: skip
        no = letters.next_no(p, "overdue", deal_no)
        notice = letters.overdue_notice(ws.project, no, item=item, due=due, due_amount=amount, paid=paid, on=on)
        return NoticesDone([_issue(ws, p, "overdue", "notice_overdue", deal, notice, out)])


def notice_sent(ws: Workspace, no: str, date: dt.date) -> dict[str, Any]:
    """Record the day a notice was served on the buyer."""
    with _both(ws) as (_, p):
        _notice(p, no)
        p.update_notice(no, sent=date.isoformat())
        return _notice(p, no)


def notice_answer(ws: Workspace, no: str, answer: str, date: dt.date, *, approved_by: str | None = None,
                  unfiled_on: dt.date | None = None, unfiling_no: str = "") -> Any:  # fmt: skip
    """Record the buyer's answer to a change notice; a rescission within 15 days starts the refund (a filed contract's
    with its 撤销备案: `unfiled_on`, `unfiling_no`)."""
    from toolkit.control import changes as flows
    from toolkit.notices import terms

    if answer not in ("接受", "解除"):
        raise UsageError(f"--answer: 接受 or 解除, not {answer!r}")
    with _both(ws) as (s, p):
        n = _notice(p, no)
        if n["kind"] != "design_change":
            raise UsageError(f"{no} 是 {n['kind']} 通知：只有设计变更通知（design_change）需要登记答复")
        if not n["sent"]:
            raise Refusal.of("notice.deadline", f"通知{no}尚未登记送达日期，请先登记送达（notice sent）")
        last = terms.answer_by(dt.date.fromisoformat(n["sent"]))
        if answer == "解除" and date > last:
            raise Refusal.of(
                "notice.deadline", f"答复期限于{last}届满，买受人逾期未书面答复的视为接受变更，不能据此解除合同"
            )
        with s.transaction():  # the answer and the refund it starts are recorded together, or neither
            unfiling = {"unfiled_on": unfiled_on, "unfiling_no": unfiling_no}
            result = _rescind(ws, s, n, date, approved_by, flows, unfiling) if answer == "解除" else None
            p.update_notice(no, answer=answer, answered=date.isoformat(), change_no=result.no if result else None)
        return result


def _rescind(ws: Workspace, s: Any, n: dict[str, Any], date: dt.date, approved_by: str | None, flows: Any,
             unfiling: dict[str, Any]) -> Any:  # fmt: skip
    """Start the refund of a rescission (art. 14(4)): interest at the change record's LPR, as the refund computes."""
    reason = f"{n['payload']['change']['kind']}（通知{n['no']}），买受人解除合同"
    return flows.refund(s, ws.project, ws.policy, n["deal_no"], reason_code=n["payload"]["rescission_reason"],
                        date=date, approved_by=approved_by, reason=reason, notice=n["no"],
                        interest_rate_pct=Decimal(n["payload"].get("lpr_pct", "3.0")), **unfiling)  # fmt: skip


def _notice(p: Paper, no: str) -> dict[str, Any]:
    n = p.notice(no)
    if n is None:
        raise UsageError(f"台账中没有通知 {no}")
    return n


def deal_history(ws: Workspace, deal_no: str) -> list[dict[str, Any]]:
    """Return a deal's history: its unit's moves, its changes and its notices (issued, sent, answered), by date."""
    with _both(ws) as (s, p):
        deal = s.deal(deal_no)
        events = [{"date": e["at"][:10], "what": f"{e['status']}", "ref": e["deal_no"] or ""}
                  for e in s.history(deal["unit"]) if e["deal_no"] == deal_no]  # fmt: skip
        events += [{"date": c["date"], "what": f"变更 {c['kind']} {c['status']}", "ref": c["no"]}
                   for c in s.changes_of_unit(deal["unit"])]  # fmt: skip
        for n in p.notices_of_deal(deal_no):
            events.append({"date": n["issued"], "what": f"通知 {n['kind']} 发出", "ref": n["no"]})
            if n["sent"]:
                events.append({"date": n["sent"], "what": f"通知 {n['kind']} 送达", "ref": n["no"]})
            if n["answered"]:
                started = f"，退房单{n['change_no']}" if n["change_no"] else ""
                events.append({"date": n["answered"], "what": f"买受人答复：{n['answer']}{started}", "ref": n["no"]})
    return sorted(events, key=lambda e: e["date"])


# -- cases and the duty sheet -----------------------------------------------------------------------------
def case_open(ws: Workspace, **case: Any) -> dict[str, Any]:
    """Register a customer case (who, unit or deal, what, received, handler); its deadline is the policy's."""
    from toolkit.cases.register import open_case

    with paper(ws) as p:
        return open_case(p, ws.project, ws.policy, **case)


def case_answer(ws: Workspace, no: str, answer: str, on: dt.date, *, out: Path | None = None) -> RenderedDoc | None:
    """Record a case's answer; write the reply letter from the pack when an output folder is given."""
    from toolkit.cases.register import answer_case
    from toolkit.render.context import base_context, clean

    with paper(ws) as p:
        case = answer_case(p, no, answer, on)
    if out is None:
        return None
    fields = {**case, "received": dt.date.fromisoformat(case["received"]), "answered": on, "unit": case["unit"] or "—"}
    ctx = clean(base_context(ws.project, ws.policy, {}) | {"case": fields})
    return ws.renderer.render("case_reply", no, ctx, Path(out))


def case_review(ws: Workspace, on: dt.date) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Escalate the overdue cases; return the open cases and a case.overdue finding for each overdue one."""
    from toolkit.cases.register import escalate

    with paper(ws) as p:
        findings = escalate(p, ws.project, ws.policy, on)
        return p.cases(open_only=True), findings


def duty_sheet(ws: Workspace, duty: Path, out: Path, *, pdf: bool = True) -> tuple[Any, list[Path]]:
    """Play the day's reception order and write the duty sheet (DOCX, and PDF when LibreOffice is there)."""
    from toolkit.cases import duty as d
    from toolkit.render import sheets

    day = d.read_duty(duty, ws.project)
    rule = (ws.policy.data.get("duty") or {}).get("skipped_return", "priority")
    try:
        receptions = d.play_day(day.order, day.events, rule)
    except ValueError:
        raise UsageError(f"{duty}：有来访客户的时段没有置业顾问在岗") from None
    docx = d.write_sheet(ws.project, ws.policy, day, receptions, Path(out))
    return receptions, [docx] + (sheets.to_pdf([docx], Path(out)) if pdf else [])


def notices_to_pdf(done: NoticesDone, out: Path) -> list[Path]:
    """Convert the notices written to PDF, each with its provenance and page marks like every pack document."""
    from toolkit.render.batch import to_pdf

    docs = [doc for _, _, doc in done.notices]
    if docs:
        to_pdf(docs, Path(out))
    return [d.pdf for d in docs if d.pdf]
