"""What the templates see: a deal or a project turned into plain mappings of ready values."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from toolkit.domain.deal import Deal
from toolkit.domain.policy import Policy
from toolkit.domain.pricing import Pricing
from toolkit.domain.project import Project, Unit

# Characters XML 1.0 forbids, and line breaks a one-line field should not carry into a paragraph.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\r\n\t]")


def clean(value: Any) -> Any:
    """Make every string safe for a DOCX text run, recursively."""
    if isinstance(value, str):
        return _UNSAFE.sub(" ", value)
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def base_context(project: Project, policy: Policy, doc: dict[str, str]) -> dict[str, Any]:
    """Return what every document sees: the project, seller, land, escrow, terms and policy."""
    d = project.data
    extra = {"lease": {"status": d["lease_status"]}} if "lease_status" in d else {}
    return {
        **extra,
        "doc": doc,
        "project": d["project"],
        "seller": d["seller"],
        "land": d["land"],
        "escrow": d.get("escrow_account") or d["seller_account"],  # pre-sale escrow, or the seller's account
        "terms": d["contract_terms"],
        "sub": d["subscription"],
        "policy": {
            "deposit_limit_pct": policy.deposit_limit_pct,
            "area_tolerance_pct": policy.area_tolerance_pct,
            "refund_days": int(policy.data.get("refund_days", 15)),
        },
    }


def deal_context(
    project: Project, policy: Policy, doc: dict[str, str], deal: Deal, unit: Unit, pricing: Pricing
) -> dict[str, Any]:
    """Return the context of a deal document (contract, subscription)."""
    permit = project.permit_for(unit.building, deal.subscribe_date)
    ctx = base_context(project, policy, doc)
    ctx.update(
        {
            "permit": {"no": permit.no, "issued": permit.issued, "authority": permit.authority} if permit else {},
            "unit": asdict(unit),
            "deal": _deal(deal, pricing),
            "buyers": [asdict(b) for b in deal.buyers],
        }
    )
    return clean(ctx)


def _deal(deal: Deal, p: Pricing) -> dict[str, Any]:
    pay = deal.payment
    return {
        "no": deal.deal_no,
        "subscribe_date": deal.subscribe_date,
        "sign_deadline": deal.sign_deadline,
        "salesperson": deal.salesperson,
        "pricing_basis": "建筑面积",
        "list_total": p.list_total,
        "discounts": [asdict(d) for d in p.discounts],
        "total": p.total,
        "unit_price": p.unit_price,
        "deposit": deal.deposit,
        "payment_method": pay.method,
        "down_payment_pct": pay.down_payment_pct,
        "down_payment": p.down_payment,
        "loan_amount": p.loan_amount,
        "lender": pay.lender,
        "plan": [asdict(r) for r in p.plan],
    }


def project_context(
    project: Project, policy: Policy, doc: dict[str, str], qa: tuple[dict[str, str], ...]
) -> dict[str, Any]:
    """Return the context of a project document (procedure, handbook)."""
    ctx = base_context(project, policy, doc)
    ctx.update(
        {
            "permits": [
                {
                    "no": p.no,
                    "issued": p.issued,
                    "authority": p.authority,
                    "buildings": "、".join(f"{b}号楼" for b in p.buildings),
                }
                for p in project.permits
            ],
            "buildings": _buildings(project),
            "discounts": [
                {"name": d.name, "rate_pct": d.rate_pct, "condition": d.condition()} for d in project.discounts
            ],
            "authority": _authority(project, policy),
            "layouts": _layouts(project),
            "prices": _prices(project),
            "rules": [asdict(r) for r in policy.rules.values() if r.enabled and "pack" not in r.applies_to],
            "qa": list(qa),
        }
    )
    return clean(ctx)


def _buildings(project: Project) -> list[dict[str, Any]]:
    by_building: dict[str, list[Unit]] = defaultdict(list)
    for u in project.units.values():
        by_building[u.building].append(u)
    out = []
    for name in sorted(by_building, key=_natural):
        units = by_building[name]
        permit = project.any_permit_for(name)
        out.append(
            {
                "name": f"{name}号楼",
                "floors": max(u.floor for u in units),
                "units": len(units),
                "permit_no": permit.no if permit else "尚未取得",
            }
        )
    return out


def _natural(s: str) -> tuple[int, str]:
    return (int(s), s) if s.isdigit() else (10**9, s)


def _authority(project: Project, policy: Policy) -> list[dict[str, Any]]:
    rows = sorted(policy.authority.items(), key=lambda kv: kv[1])
    return [
        {"role": role, "rate_pct": rate, "staff": "、".join(n for n, r in project.staff.items() if r == role) or "—"}
        for role, rate in rows
    ]


def _layouts(project: Project) -> list[dict[str, Any]]:
    groups: dict[str, list[Unit]] = defaultdict(list)
    for u in project.units.values():
        groups[u.layout].append(u)
    return [
        {
            "layout": name,
            "count": len(us),
            "area_min": min(u.building_area for u in us),
            "area_max": max(u.building_area for u in us),
            "inner_min": min(u.inner_area for u in us),
            "inner_max": max(u.inner_area for u in us),
        }
        for name, us in sorted(groups.items())
    ]


def _prices(project: Project) -> dict[str, Decimal]:
    units = list(project.units.values())
    totals = [u.list_unit_price * u.building_area for u in units]
    return {
        "unit_min": min(u.list_unit_price for u in units),
        "unit_max": max(u.list_unit_price for u in units),
        "total_min": min(totals).quantize(Decimal("0.01")),
        "total_max": max(totals).quantize(Decimal("0.01")),
    }


CHANGE_NAMES = {"room": "换房", "refund": "退房", "rename": "更名", "price": "价格及付款方式变更"}


def change_context(
    project: Project, policy: Policy, change: dict[str, Any], deal: dict[str, Any], paid: Decimal
) -> dict[str, Any]:
    """Return the context of a change form (换房, 退房, 更名, 价格变更) from the ledger's records."""
    p = change["payload"]
    unit = project.units[change["unit"]]
    ctx = base_context(project, policy, {})
    ctx.update(
        {
            "deal": {
                "no": deal["deal_no"],
                "subscribe_date": dt.date.fromisoformat(deal["subscribe_date"]),
                "total": Decimal(str(p.get("old_total", deal["total"]))),
                # a 退房 prints the 定金 actually paid (of what was paid), which its 定金罚则 applied to
                "deposit": Decimal(str(p.get("deposit_paid", deal["deposit"]))),
                "payment_method": p.get("old_method", deal["payment_method"]),
                "paid": paid,
            },
            "unit": {"code": unit.code, "building_area": unit.building_area},
            "buyers": p.get("old_buyers") or deal["buyers"],
            "change": _change(change, p),
        }
    )
    return clean(ctx)


def _change(change: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    money = ("new_total", "carried_over", "difference", "refund", "forfeited", "old_total", "new_area", "interest")
    out = {k: (Decimal(str(v)) if k in money else v) for k, v in p.items() if k not in ("deal", "old_buyers")}
    if "difference" in out:  # a form prints the size of the difference and says which way it goes
        diff = out["difference"]
        out["difference_direction"] = (
            "新房号较高，认购人应补缴" if diff > 0 else "新房号较低，应扣减" if diff < 0 else "相同，"
        )
        out["difference"] = abs(diff)
    if change["kind"] == "refund":
        out.update(_refund(out))
    out.update(
        {
            "no": change["no"],
            "date": dt.date.fromisoformat(change["date"]),
            "kind": CHANGE_NAMES[change["kind"]],
            "reason": p.get("reason", ""),
            "requested_by": change.get("requested_by") or p.get("requested_by", ""),
            "approved_by": change.get("approved_by") or "",
            "approver_role": p.get("approver_role", ""),
            "approval_no": change.get("approval_no") or p.get("approval_no", ""),
        }
    )
    return out


def _refund(p: dict[str, Any]) -> dict[str, Any]:
    """The 退房 form's interest and 撤销备案, typed (a refund recorded before they existed has neither)."""
    lines = [
        {
            **x,
            "paid_on": _day(x["paid_on"]),
            "amount": Decimal(str(x["amount"])),
            "interest": Decimal(str(x["interest"])),
        }
        for x in p.get("interest_lines") or []
    ]
    interest = p.get("interest", Decimal(0))
    return {
        "payee": p.get("payee", ""),  # who gets the money back may be decided after the request
        "account": p.get("account", ""),
        "interest_due": "是" if p.get("interest_due") else "否",
        "interest": interest,
        "interest_rate_pct": Decimal(str(p.get("interest_rate_pct") or 0)),
        "interest_basis": p.get("interest_basis", ""),
        "interest_until": _day(p.get("interest_until")),
        "interest_lines": lines,
        "refund_total": Decimal(str(p.get("refund_total") or p["refund"] + interest)),
        "unfiled_on": _day(p.get("unfiled_on")),
        "unfiling_no": p.get("unfiling_no", ""),
    }


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None
