"""The sales side of a period report: conversion, signing lag, expired 认购, price realisation and discounts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from toolkit.rules import finding

ZERO = Decimal(0)
NEAR_FLOOR_PCT = Decimal(2)


def fill(r, src) -> None:
    """Set the report's conversion, signing lag, expired 认购 (with their findings), prices and discounts."""
    start, end = r.period.start.isoformat(), r.period.end.isoformat()
    subs = src.rows("subscriptions", start, end)
    signed = src.rows("signings", start, end)
    r.conversion = conversion(subs, signed, src.rows("changes", start, end), start, end)
    r.signing = signing(signed, src)
    r.expired = expired(src.rows("expired", end), r.period.end, src)
    r.findings += [expired_finding(x, r.period.end) for x in r.expired]
    r.prices = prices(src.project, subs)
    r.discounts = discounts(subs)


def _pct(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / whole * 100).quantize(Decimal("0.1")) if whole else None


def _avg(days: list[int]) -> Decimal | None:
    return (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def conversion(subs, signed, changes, start: str, end: str) -> dict[str, Any]:
    """认购 to 签约: rate and days of the period's own 认购; 换房 and 退房 with their reasons."""
    own = [s for s in signed if start <= s["subscribe_date"] <= end]
    days = [_days(s["subscribe_date"], s["date"]) for s in own]
    reasons: dict[str, int] = defaultdict(int)
    for c in changes:
        if c["kind"] == "refund":
            reasons[c["payload"].get("reason_code", "未注明")] += 1
    return {
        "subscribed": len(subs),
        "signed": len(own),
        "rate": _pct(len(own), len(subs)),
        "avg_days": _avg(days),
        "room_changes": sum(1 for c in changes if c["kind"] == "room"),
        "refunds": sum(1 for c in changes if c["kind"] == "refund"),
        "refund_reasons": dict(reasons),
    }


def signing(signed, src) -> dict[str, Any]:
    """Signing lag (认购→签约) of each contract signed in the period, late ones against the 认购书 deadline."""
    rows = [
        {
            "deal_no": s["deal_no"],
            "unit": s["unit"],
            "consultant": src.consultant(s),
            "subscribe_date": s["subscribe_date"],
            "sign_date": s["date"],
            "days": _days(s["subscribe_date"], s["date"]),
            "sign_deadline": s["sign_deadline"],
            "late_days": max(_days(s["sign_deadline"], s["date"]), 0) if s["sign_deadline"] else None,
        }
        for s in signed
    ]
    by: dict[str, list[int]] = defaultdict(list)
    for x in rows:
        by[x["consultant"]].append(x["days"])
    return {
        "deals": rows,
        "avg_days": _avg([x["days"] for x in rows]),
        "max_days": max((x["days"] for x in rows), default=None),
        "late": sum(1 for x in rows if x["late_days"]),
        "by_consultant": {name: _avg(days) for name, days in sorted(by.items())},
    }


def expired(rows, on: dt.date, src) -> list[dict[str, Any]]:
    """The 认购 past their signing deadline on the period's last day, without a contract."""
    return [
        {
            "deal_no": d["deal_no"],
            "unit": d["unit"],
            "consultant": src.consultant(d),
            "subscribe_date": d["subscribe_date"],
            "sign_deadline": d["sign_deadline"],
            "days_over": _days(d["sign_deadline"], on.isoformat()),
            "total": d["total"],
        }
        for d in rows
    ]


def expired_finding(x: dict[str, Any], on: dt.date):
    """Report one expired 认购 as the rule `subscription.expired`."""
    return finding(
        "subscription.expired",
        f"{x['deal_no']}（房号{x['unit']}，{x['consultant']}）应于{x['sign_deadline']}前签约，"
        f"至{on}已逾期{x['days_over']}天未签约",
        document=x["deal_no"],
        location=f"房号{x['unit']}",
        expected=f"{x['sign_deadline']}前签订商品房买卖合同",
        found=f"至{on}未签约",
    )


def prices(project, deals) -> dict[str, Any]:
    """Price realisation: each deal of the period against its unit's list and floor price (一房一价)."""
    rows = []
    for d in deals:
        u = project.units.get(d["unit"])
        if u is None:
            continue
        listed, floor = u.list_unit_price * u.building_area, u.floor_unit_price * u.building_area
        margin = ((d["total"] - floor) / floor * 100).quantize(Decimal("0.01"))
        rows.append(
            {
                "deal_no": d["deal_no"],
                "unit": d["unit"],
                "list_total": listed.quantize(Decimal("0.01")),
                "total": d["total"],
                "realisation": (d["total"] / listed * 100).quantize(Decimal("0.01")),
                "over_floor_pct": margin,
                "near_floor": margin < NEAR_FLOOR_PCT,
            }
        )
    listed = sum((x["list_total"] for x in rows), ZERO)
    total = sum((x["total"] for x in rows), ZERO)
    return {
        "deals": rows,
        "list_total": listed,
        "total": total,
        "realisation": (total / listed * 100).quantize(Decimal("0.1")) if listed else None,
        "near_floor": sum(1 for x in rows if x["near_floor"]),
    }


def discounts(deals) -> dict[str, list[dict[str, Any]]]:
    """Discounts of the period's 认购 (at current terms): yuan by kind, and the extra ones by approver."""
    kinds: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, ZERO])
    approvers: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, ZERO, ZERO])
    for d in deals:
        for x in d.get("discounts") or []:
            amount, k = Decimal(x["amount"]), kinds[(x["name"], x["kind"])]
            k[0], k[1] = k[0] + 1, k[1] + amount
            if x.get("approved_by"):
                a = approvers[(x["approved_by"], x.get("approver_role", ""))]
                a[0], a[1], a[2] = a[0] + 1, a[1] + amount, max(a[2], Decimal(x["rate_pct"]))
    return {
        "by_kind": [{"name": n, "kind": k, "deals": c, "amount": a} for (n, k), (c, a) in sorted(kinds.items())],
        "by_approver": [
            {"approver": n, "role": role, "deals": c, "amount": a, "max_rate_pct": m}
            for (n, role), (c, a, m) in sorted(approvers.items())
        ],
    }
