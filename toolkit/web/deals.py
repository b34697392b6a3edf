"""Deals entered on the web page: validated as `loupan check` would, an extra discount beyond the user's
authority sent for approval, the 认购书 and contract rendered once the deal is clean and approved.

The web page keeps its deal files in the project's `.loupan/web/deals/` (one per deal number, never
overwritten) and the documents in `.loupan/web/out/<deal number>/`.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit import api, yamlio
from toolkit.api import approvals
from toolkit.api.accounts import User
from toolkit.api.sales import sales as open_sales
from toolkit.domain.ids import mask_data
from toolkit.web import dealform

DOCS = ("subscription", "contract")
DOC_NAMES = {"subscription": "认购书", "contract": "商品房买卖合同"}
_finishing = threading.Lock()


@dataclass
class Entered:
    """What entering a deal gave: its stage, or the errors at each field."""

    deal_no: str
    stage: str = ""  # rendered | awaiting approval | invalid
    errors: dict[str, list[str]] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)
    approval_id: int | None = None
    documents: list[str] = field(default_factory=list)


def _deal_file(work: Path, no: str) -> Path:
    return work / "deals" / f"{no}.yaml"


def _taken(ws, work: Path, no: str) -> bool:
    pending = approvals.pending(ws)["discounts"]
    return _deal_file(work, no).exists() or any(p["ref"] == no for p in pending)


def _top_approver(ws) -> str:
    """Return the roster's person of the highest discount authority (to check a deal before its approval)."""
    ranked = sorted(ws.project.staff.items(), key=lambda kv: ws.policy.authority.get(kv[1], Decimal(-1)))
    return ranked[-1][0]


def enter(ws, work: Path, form: dict[str, Any], user: User) -> Entered:
    """Check a deal from the form; render it, send its extra discount for approval, or say what is wrong."""
    no = str(form.get("deal_no", "")).strip()
    if not dealform.DEAL_NO.match(no):
        return Entered(no, "invalid", {"deal_no": ["合同编号只能由字母、数字和连字符组成，如 CHY-2026-0101"]})
    rate = dealform.extra_rate(dealform.deal_data(form, None, ""))
    own = rate <= approvals.discount_ceiling(ws, user.role)
    data = dealform.deal_data(form, user.name if own else _top_approver(ws), f"WEB-{no}" if own else "WEB-PENDING")
    errors, other = _check(ws, work, data)
    if _taken(ws, work, no):
        errors.setdefault("deal_no", []).append(f"合同编号{no}已录入")
    if errors or other:
        return Entered(no, "invalid", errors, other)
    if not own:
        data["extra_discount"].update(approved_by="", approval_no="")
        return Entered(no, "awaiting approval", approval_id=approvals.discount_request(ws, no, rate, data, user.name))
    return finish(ws, work, data)


def _check(ws, work: Path, data: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    path = dealform.write_deal(work / "tmp", data)
    try:
        (check,) = api.check_deals(ws, [path])
    finally:
        path.unlink()
    return dealform.field_errors(check.findings)


def pricing(ws, work: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """Return a deal's price as the checks compute it (list total, discounts, total, payment plan), or None."""
    trial = dealform.revive(data)
    if trial.get("extra_discount") and not trial["extra_discount"].get("approved_by"):
        trial["extra_discount"] = {**trial["extra_discount"], "approved_by": _top_approver(ws), "approval_no": "-"}
    path = dealform.write_deal(work / "tmp", trial)
    try:
        (check,) = api.check_deals(ws, [path])
    finally:
        path.unlink()
    if check.case is None:
        return None
    p = check.case.pricing
    return {
        "list_total": str(p.list_total), "total": str(p.total),
        "discounts": [{"name": d.name, "rate_pct": str(d.rate_pct)} for d in p.discounts],
        "plan": [{"item": r.item, "amount": str(r.amount), "due": str(r.due or "")} for r in p.plan],
    }  # fmt: skip


def finish(ws, work: Path, data: dict[str, Any]) -> Entered:
    """Keep a clean deal's file and render its 认购书 and contract."""
    no = data["deal_no"]
    with _finishing:
        target = _deal_file(work, no)
        if target.exists():
            return Entered(no, "invalid", {"deal_no": [f"合同编号{no}已录入"]})
        tmp = dealform.write_deal(work / "tmp", data)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(tmp, target)  # fails rather than replace a deal file
        tmp.unlink()
    result = api.render(ws, deals=[target], docs=list(DOCS), out=work / "out" / no)
    if not result.documents:
        _, other = dealform.field_errors(result.findings)
        return Entered(no, "invalid", other=other or ["未能生成文件"])
    return Entered(no, "rendered", documents=[d.document for d in result.documents])


def approve_discount(ws, work: Path, approval_id: int, user: User, *, approve: bool, reason: str) -> dict[str, Any]:
    """Decide an extra discount; an approved one's deal is rendered with the approver's name."""
    record = approvals.decide_discount(ws, approval_id, user, approve=approve, reason=reason)
    if not approve:
        return {"record": record}
    data = dealform.revive(record["payload"]["deal"])
    data["extra_discount"].update(approved_by=user.name, approval_no=f"WEB-{approval_id:04d}")
    return {"record": record, "entered": finish(ws, work, data)}


def document(work: Path, no: str, doc: str) -> Path | None:
    """Return a rendered document of a deal (by deal number and document id, never a path), or None."""
    if not dealform.DEAL_NO.match(no) or doc not in DOCS:
        return None
    path = work / "out" / no / f"{no}-{doc}.docx"
    return path if path.is_file() else None


def view(ws, work: Path, no: str, user: User, personal: bool) -> dict[str, Any] | None:
    """Return a deal's page: its data (personal numbers masked unless the user may see them), stage, documents."""
    if not dealform.DEAL_NO.match(no):
        return None
    path = _deal_file(work, no)
    record = approvals.latest_discount(ws, no)
    if path.is_file():
        data, stage = yamlio.load_yaml(path.read_text(encoding="utf-8")), "rendered"
    elif record:
        data, stage = (
            record["payload"]["deal"],
            {"requested": "awaiting approval", "refused": "refused"}.get(record["status"], record["status"]),
        )
    else:
        return None
    ledger = open_sales(ws)
    try:
        signed = ledger.deal(no)["status"] if ledger.has_deal(no) else ""
    finally:
        ledger.close()
    docs = [d for d in DOCS if document(work, no, d)]
    price = pricing(ws, work, data)
    if not (personal or data.get("salesperson") == user.name):
        data = mask_data(data)
    return {"deal": data, "stage": stage, "ledger_status": signed, "documents": docs, "approval": record,
            "pricing": price}  # fmt: skip


def recent(ws, work: Path, limit: int = 200) -> list[dict[str, Any]]:
    """Return the deals entered on the web page, newest first, and those awaiting approval."""
    folder = work / "deals"
    files = (
        sorted(folder.glob("*.yaml"), key=lambda p: p.stat().st_mtime, reverse=True)[:limit] if folder.is_dir() else []
    )
    rows = [{"deal_no": p.stem, "stage": "rendered"} for p in files]
    pending = [{"deal_no": p["ref"], "stage": "awaiting approval"} for p in approvals.pending(ws)["discounts"]]
    return pending + rows
