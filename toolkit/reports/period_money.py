"""The money side of a period report: money in by kind, and what standing deals owe, aged by their payment plans."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
BUCKETS = ("未到期", "逾期1-30天", "逾期31-60天", "逾期61-90天", "逾期90天以上")


def fill(r, src) -> None:
    """Set the report's receivables: by kind in the period, and owed on its last day."""
    start, end = r.period.start.isoformat(), r.period.end.isoformat()
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for rec in src.rows("receipts", start, end):
        by_kind[rec["kind"]] += rec["amount"]
    deals = [d for d in src.rows("open_deals", end) if d["total"] > d["paid"] + d["lent"]]
    owed = [_owed(d, r.period.end) for d in deals]
    ageing = [row for d in deals for row in instalments_due(d, r.period.end, src.consultant(d))]
    r.receivables = {
        "by_kind": dict(by_kind),
        "owed": owed,
        "owed_total": sum((d["owed"] for d in owed), ZERO),
        "ageing": ageing,
        "buckets": {b: sum((x["outstanding"] for x in ageing if x["bucket"] == b), ZERO) for b in BUCKETS},
        "overdue_total": sum((x["outstanding"] for x in ageing if x["bucket"] != BUCKETS[0]), ZERO),
        "mortgage_pending": sum((_loan_pending(d) for d in deals), ZERO),
    }


def _owed(d: dict[str, Any], on: dt.date) -> dict[str, Any]:
    return {
        "deal_no": d["deal_no"],
        "unit": d["unit"],
        "method": d["payment_method"],
        "total": d["total"],
        "paid": d["paid"] + d["lent"],
        "owed": d["total"] - d["paid"] - d["lent"],
        "age_days": (on - dt.date.fromisoformat(d["subscribe_date"])).days,
    }


def bucket(days: int) -> str:
    """Name the age bucket of an instalment `days` past its due date (0 or less: not yet due)."""
    if days <= 0:
        return BUCKETS[0]
    return BUCKETS[1] if days <= 30 else BUCKETS[2] if days <= 60 else BUCKETS[3] if days <= 90 else BUCKETS[4]


def instalments_due(d: dict[str, Any], on: dt.date, consultant: str) -> list[dict[str, Any]]:
    """The buyer's unpaid instalments of one deal: what was paid settles the plan's lines in order."""
    left, out = d["paid"], []
    for line in (x for x in d["plan"] if not x["loan"]):
        amount = Decimal(line["amount"])
        settled = min(amount, left)
        left -= settled
        if amount == settled:
            continue
        days = (on - dt.date.fromisoformat(line["due"])).days if line["due"] else 0
        out.append(
            {
                "deal_no": d["deal_no"],
                "unit": d["unit"],
                "consultant": consultant,
                "item": line["item"],
                "due": line["due"],
                "amount": amount,
                "outstanding": amount - settled,
                "days_overdue": max(days, 0),
                "bucket": bucket(days),
            }
        )
    return out


def _loan_pending(d: dict[str, Any]) -> Decimal:
    """按揭 not yet disbursed: the plan's loan less 按揭款 received (a deal without a plan: what a loan buyer owes)."""
    if not d["plan"]:
        return d["total"] - d["paid"] - d["lent"] if "贷款" in d["payment_method"] else ZERO
    return sum((Decimal(x["amount"]) for x in d["plan"] if x["loan"]), ZERO) - d["lent"]
