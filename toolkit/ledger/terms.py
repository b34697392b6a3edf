"""A deal's terms as the ledger keeps them for the period reports: consultant, deadline, payment plan, discounts."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from toolkit.domain.deal import Deal
from toolkit.domain.pricing import AppliedDiscount, Pricing

FEN = Decimal("0.01")


def deal_columns(deal: Deal, pricing: Pricing) -> dict[str, str]:
    """Return the `deals` columns a subscription (or an amended deal) sets besides its total."""
    return {
        "salesperson": deal.salesperson,
        "sign_deadline": deal.sign_deadline.isoformat(),
        "plan": json.dumps([_instalment(r.item, r.amount, r.due) for r in pricing.plan], ensure_ascii=False),
        "discounts": json.dumps(discount_amounts(pricing.list_total, pricing.discounts), ensure_ascii=False),
    }


def _instalment(item: str, amount: Decimal, due: Any) -> dict[str, Any]:
    # a row without a due date is the loan: the lender pays it, the buyer owes no instalment for it
    return {"item": item, "amount": str(amount), "due": due.isoformat() if due else None, "loan": due is None}


def discount_amounts(list_total: Decimal, applied: tuple[AppliedDiscount, ...]) -> list[dict[str, str]]:
    """Give each discount its yuan: applied one after another, each on what the previous ones left."""
    out, running = [], Decimal(list_total)
    for d in applied:
        amount = (running * d.rate_pct / 100).quantize(FEN, rounding=ROUND_HALF_UP)
        running -= amount
        out.append(
            {
                "name": d.name,
                "kind": d.kind,
                "rate_pct": str(d.rate_pct),
                "amount": str(amount),
                "approved_by": d.approved_by,
                "approver_role": d.approver_role,
            }
        )
    return out
