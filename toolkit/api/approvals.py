"""Approvals through the api: extra discounts asked for on the web page, and the ledger's requested changes.

Authority comes from the same policy data the checks use: an extra discount from the role's ceiling in the
authority table (`authority.discount`), a change from `changes.approvers` (`authority.change`). Every decision
is recorded with who, in which role, when and why; a refusal needs a reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from toolkit.api.accounts import User, accounts
from toolkit.api.sales import _writing, change_approve
from toolkit.control.changes import KIND_NAMES, check_approver
from toolkit.rules import Refusal
from toolkit.workspace import Workspace


def discount_request(ws: Workspace, deal_no: str, rate_pct: Decimal, deal: dict[str, Any], by: str) -> int:
    """Ask for an extra discount on a deal entered on the web page; return the request's id."""
    with accounts(ws) as a:
        return a.request("discount", deal_no, {"rate_pct": str(rate_pct), "deal": deal}, by)


def pending(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    """Return what awaits approval: extra discounts and the ledger's requested changes."""
    with accounts(ws) as a:
        discounts = a.approvals(status="requested")
        changes = a.requested_changes()
    for c in changes:
        c["kind_name"] = KIND_NAMES.get(c["kind"], c["kind"])
        c["needs"] = ws.policy.data["changes"]["approvers"].get(c["kind"], "")
    return {"discounts": [d for d in discounts if d["kind"] == "discount"], "changes": changes}


def latest_discount(ws: Workspace, deal_no: str) -> dict[str, Any] | None:
    """Return the newest extra-discount request of a deal, or None."""
    with accounts(ws) as a:
        return a.latest_for("discount", deal_no)


def decided(ws: Workspace, limit: int = 50) -> list[dict[str, Any]]:
    """Return the latest decisions (approved or refused), newest first."""
    with accounts(ws) as a:
        return [r for r in a.approvals(limit=limit) if r["status"] != "requested"]


def discount_ceiling(ws: Workspace, role: str) -> Decimal:
    """Return the largest extra discount a role may approve (per cent)."""
    return ws.policy.authority.get(role, Decimal(0))


def decide_discount(ws: Workspace, approval_id: int, user: User, *, approve: bool, reason: str) -> dict[str, Any]:
    """Approve or refuse an extra discount within the user's authority; return the record as decided."""
    with accounts(ws) as a:
        row = a.approval(approval_id)
        if row is None or row["kind"] != "discount":
            raise Refusal.of("change.invalid", f"没有待审批的优惠申请{approval_id}")
        rate = Decimal(row["payload"]["rate_pct"])
        ceiling = discount_ceiling(ws, user.role)
        if rate > ceiling:
            raise Refusal.of("authority.discount", f"额外优惠{rate}%超出{user.name}（{user.role}）的审批权限{ceiling}%")
        if not approve and not reason.strip():
            raise Refusal.of("change.invalid", "驳回须填写理由")
        if not a.decide(approval_id, "approved" if approve else "refused", user.name, user.role, reason.strip()):
            raise Refusal.of("change.invalid", f"优惠申请{approval_id}已处理")
        return a.approval(approval_id) or row


def decide_change(ws: Workspace, no: str, user: User, *, approve: bool, reason: str) -> dict[str, Any]:
    """Approve (and carry out) or refuse a requested change within the user's authority; record the decision."""
    with accounts(ws) as a:
        change = next((c for c in a.requested_changes() if c["no"] == no), None)
    if change is None:
        raise Refusal.of("change.invalid", f"变更单{no}不在待审批之列")
    check_approver(ws.project, ws.policy, change["kind"], user.name)
    if approve:
        change_approve(ws, no, approved_by=user.name)
    elif not reason.strip():
        raise Refusal.of("change.invalid", "驳回须填写理由")
    else:
        _refuse_change(ws, no)
    with accounts(ws) as a:
        rid = a.request("change", no, {"kind": change["kind"], "unit": change["unit"]}, change["requested_by"] or "")
        a.decide(rid, "approved" if approve else "refused", user.name, user.role, reason.strip())
        return a.approval(rid) or {}


def _refuse_change(ws: Workspace, no: str) -> None:
    """Close a refused change and free its unit's lock (the unit keeps its status and deal)."""
    with _writing(ws) as s:
        change = s.change(no)
        s.save_change(no, status="refused")
        u = s.unit(change["unit"])
        s.set_unit(u.code, u.status, u.deal_no, needs_pricing=u.needs_pricing, pending=None)
