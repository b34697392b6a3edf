"""Price a deal exactly as the project says, and lay out what the buyer pays when.

1. list total = list unit price × building area;
2. the published discounts named in the deal, multiplicatively, in the project's order;
3. the extra discount, multiplicatively;
4. the total rounded half-up to the yuan; the deal unit price = total ÷ area, rounded to the fen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from toolkit.domain.deal import Deal
from toolkit.domain.project import Project, PublishedDiscount, Unit

HUNDRED = Decimal(100)
FEN = Decimal("0.01")
YUAN = Decimal("1")


@dataclass(frozen=True)
class AppliedDiscount:
    """A discount as it was applied: published or extra, with its approval."""

    name: str
    rate_pct: Decimal
    kind: str
    approved_by: str = ""
    approver_role: str = ""
    approval_no: str = ""


@dataclass(frozen=True)
class PlanRow:
    """One line of the payment plan."""

    item: str
    amount: Decimal
    due: dt.date | None
    note: str = ""


@dataclass(frozen=True)
class Pricing:
    """The figures of a priced deal."""

    list_total: Decimal
    discounts: tuple[AppliedDiscount, ...]
    total: Decimal
    unit_price: Decimal
    floor_total: Decimal
    filed_total: Decimal
    plan: tuple[PlanRow, ...]
    down_payment: Decimal | None = None
    loan_amount: Decimal | None = None


def quantize(x: Decimal, step: Decimal) -> Decimal:
    """Round half-up to a step (1 or 0.01)."""
    return x.quantize(step, rounding=ROUND_HALF_UP)


def published_in_order(project: Project, codes: tuple[str, ...]) -> list[PublishedDiscount]:
    """Return the published discounts a deal names, in the project's order."""
    return [d for d in project.discounts if d.code in codes]


def price_deal(project: Project, unit: Unit, deal: Deal) -> Pricing:
    """Price a deal on a unit; every figure is a Decimal, rounded as the project says."""
    area = unit.building_area
    list_total = unit.list_unit_price * area
    applied = [AppliedDiscount(d.name, d.rate_pct, "公开优惠") for d in published_in_order(project, deal.discounts)]
    if deal.extra_discount is not None:
        x = deal.extra_discount
        applied.append(
            AppliedDiscount(
                "额外优惠", x.rate_pct, "额外优惠", x.approved_by, project.staff.get(x.approved_by, ""), x.approval_no
            )
        )
    factor = Decimal(1)
    for d in applied:
        factor *= (HUNDRED - d.rate_pct) / HUNDRED
    step = YUAN if project.data["pricing"]["total_rounding"] == "yuan" else FEN
    total = quantize(list_total * factor, step)
    plan, down, loan = payment_plan(deal, total)
    return Pricing(
        list_total=quantize(list_total, FEN),
        discounts=tuple(applied),
        total=total,
        unit_price=quantize(total / area, FEN),
        floor_total=quantize(unit.floor_unit_price * area, FEN),
        filed_total=quantize(unit.filed_unit_price * area, FEN),
        plan=tuple(plan),
        down_payment=down,
        loan_amount=loan,
    )


def payment_plan(deal: Deal, total: Decimal) -> tuple[list[PlanRow], Decimal | None, Decimal | None]:
    """Lay out the deposit and what remains to pay; the amounts add up to the total."""
    rows = [PlanRow("定金", deal.deposit, deal.subscribe_date, "认购时支付，签约后抵作房价款")]
    pay = deal.payment
    if pay.is_loan:
        down = quantize(total * (pay.down_payment_pct or 0) / HUNDRED, YUAN)
        rows.append(PlanRow("首付款（扣除定金后）", down - deal.deposit, deal.sign_deadline, "签约时支付"))
        rows.append(PlanRow("贷款", total - down, None, f"由{pay.lender or '贷款机构'}放款"))
        return rows, down, total - down
    if pay.method == "分期付款":
        return rows + _instalments(deal, total - deal.deposit), None, None
    rows.append(PlanRow("房款（扣除定金后）", total - deal.deposit, pay.due_date, "一次性付清"))
    return rows, None, None


def _instalments(deal: Deal, net: Decimal) -> list[PlanRow]:
    """Split what remains after the deposit; the last instalment takes the rounding remainder."""
    rows, paid = [], Decimal(0)
    last = len(deal.payment.instalments) - 1
    for i, inst in enumerate(deal.payment.instalments):
        amount = net - paid if i == last else quantize(net * inst.pct / HUNDRED, YUAN)
        paid += amount
        rows.append(
            PlanRow(
                f"第{_CN_ORD[i] if i < len(_CN_ORD) else i + 1}期房款",
                amount,
                inst.due_date,
                f"剩余房款的{inst.pct.normalize():f}%",
            )
        )
    return rows


_CN_ORD = "一二三四五六七八九十"
