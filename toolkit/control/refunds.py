"""What a 退房 adds to the money back: interest when it is due, and the 撤销备案 a filed contract needs first.

Interest (GF-2014-0171 arts. 5, 12–16, 20; 商品房买卖合同解释 第十九条): when the buyer rescinds for the seller's
breach or by a right the contract gives (area difference beyond the tolerance, a design change, late delivery),
or a loan is refused through no one's fault, the seller pays back within `refund_days` with interest at no less
than the one-year LPR. The policy (`refund_interest`) names the reasons that bear interest and the rate. Each
payment bears interest from the day it was paid to the day the refund falls due (the refund's date plus
`refund_days`): amount × rate ÷ 100 × days ÷ 365, rounded half up to the fen line by line as the form prints it;
the interest is the sum of the lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from toolkit.domain.policy import Policy
from toolkit.errors import PolicyError
from toolkit.ledger.base import SalesLedger as Sales
from toolkit.rules import Refusal

FEN = Decimal("0.01")
DAYS_A_YEAR = 365


@dataclass(frozen=True)
class InterestLine:
    """The interest one payment bears: its receipt, day, amount, the days it runs and the interest."""

    no: str
    kind: str
    paid_on: dt.date
    amount: Decimal
    days: int
    interest: Decimal


def interest_lines(receipts: list[dict[str, Any]], until: dt.date, rate_pct: Decimal) -> list[InterestLine]:
    """Return the interest of each valid payment (refunds paid out excluded) from its day to `until`."""
    out = []
    for r in receipts:
        if r["status"] != "有效" or r["kind"] == "退款":
            continue
        paid_on = dt.date.fromisoformat(str(r["date"])[:10])
        days = max((until - paid_on).days, 0)
        interest = (Decimal(r["amount"]) * rate_pct / 100 * days / DAYS_A_YEAR).quantize(FEN, ROUND_HALF_UP)
        out.append(InterestLine(r["no"], r["kind"], paid_on, Decimal(r["amount"]), days, interest))
    return out


def interest_figures(
    sales: Sales, policy: Policy, deal_no: str, reason_code: str, date: dt.date, rate_pct: Decimal | None = None
) -> dict[str, Any]:
    """Return a refund's interest: due when its reason bears interest or a rate is given (a rescission's own)."""
    terms = policy.data.get("refund_interest") or {}
    until = date + dt.timedelta(days=int(policy.data.get("refund_days", 15)))
    due = rate_pct is not None or reason_code in (terms.get("reasons") or [])
    rate = rate_pct if rate_pct is not None else _rate(terms) if due else Decimal(0)
    lines = interest_lines(sales.receipts(deal_no=deal_no), until, rate) if due else []
    return {
        "interest_due": due,
        "interest": sum((line.interest for line in lines), Decimal(0)),
        "interest_rate_pct": rate,
        "interest_basis": _basis(terms) if due else "",
        "interest_until": until if due else None,
        "interest_lines": [vars(line) for line in lines],
    }


def _rate(terms: dict[str, Any]) -> Decimal:
    try:
        rate = Decimal(str(terms.get("rate_pct")))
    except InvalidOperation:
        rate = Decimal(-1)
    if not rate.is_finite() or rate <= 0:
        raise PolicyError(
            path="policies.yaml", field="refund_interest.rate_pct", expected="年利率百分数，如3.0（一年期LPR）",
            found=str(terms.get("rate_pct")),
        )  # fmt: skip
    return rate


def _basis(terms: dict[str, Any]) -> str:
    """Name the rate as the form prints it: 2026年11月20日公布的一年期贷款市场报价利率（LPR）."""
    basis = str(terms.get("basis") or "一年期贷款市场报价利率（LPR）")
    quoted = terms.get("quoted")
    if not quoted:
        return basis
    day = quoted if isinstance(quoted, dt.date) else dt.date.fromisoformat(str(quoted))
    return f"{day.year}年{day.month}月{day.day}日公布的{basis}"


def unfiling(status: str, code: str, filed: dt.date | None, on: Any, reference: str, date: dt.date) -> dict[str, Any]:
    """Return the 撤销备案 a refund of a filed unit records; refuse a filed unit without one (R-BAN-04)."""
    if status != "已备案":
        return {}
    if not on or not str(reference or "").strip():
        raise Refusal.of(
            "refund.filed",
            f"房号{code}的商品房买卖合同已备案，须先向房产管理部门办理撤销备案，并在退房申请中载明撤销备案日期和文号"
            "（--unfiled-on、--unfiling-no），方可解除合同",
            found="未载明撤销备案" if not on else "未载明撤销备案文号",
        )
    day = on if isinstance(on, dt.date) else _day(on)
    if (filed and day < filed) or day > date:
        raise Refusal.of(
            "refund.filed",
            f"撤销备案日期{day}须在备案日期{filed or '—'}之后、退房申请日期{date}之前",
            found=str(day),
        )
    return {"unfiled_on": day, "unfiling_no": str(reference).strip()}


def _day(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise Refusal.of("input.invalid", f"撤销备案日期须为2026-11-20这样的格式，收到“{value}”") from None
