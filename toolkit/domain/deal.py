"""A deal: one buyer (or several) subscribing one unit on stated terms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

LOANS = ("商业贷款", "公积金贷款", "组合贷款")


@dataclass(frozen=True)
class Buyer:
    """A buyer and the share of ownership they take."""

    name: str
    id_type: str
    id_no: str
    phone: str
    address: str
    share_pct: Decimal


@dataclass(frozen=True)
class ExtraDiscount:
    """A discount beyond the published ones, with the approval that grants it."""

    rate_pct: Decimal
    approved_by: str
    approval_no: str


@dataclass(frozen=True)
class Instalment:
    """One instalment of a 分期付款 plan: a share of the total net of the deposit."""

    due_date: dt.date
    pct: Decimal


@dataclass(frozen=True)
class Payment:
    """How the buyer pays."""

    method: str
    down_payment_pct: Decimal | None = None
    lender: str | None = None
    due_date: dt.date | None = None
    instalments: tuple[Instalment, ...] = ()

    @property
    def is_loan(self) -> bool:
        """Tell whether a bank or provident-fund loan pays part of the price."""
        return self.method in LOANS


@dataclass(frozen=True)
class Deal:
    """A validated deal file."""

    deal_no: str
    unit: str
    subscribe_date: dt.date
    sign_deadline: dt.date
    salesperson: str
    buyers: tuple[Buyer, ...]
    payment: Payment
    discounts: tuple[str, ...]
    extra_discount: ExtraDiscount | None
    deposit: Decimal


def deal_from_data(data: dict[str, Any]) -> Deal:
    """Build a Deal from a mapping already validated against the pack's deal schema."""
    pay = data["payment"]
    extra = data.get("extra_discount")
    return Deal(
        deal_no=data["deal_no"],
        unit=data["unit"],
        subscribe_date=data["subscribe_date"],
        sign_deadline=data["sign_deadline"],
        salesperson=data["salesperson"],
        buyers=tuple(Buyer(**b) for b in data["buyers"]),
        payment=Payment(
            method=pay["method"],
            down_payment_pct=pay.get("down_payment_pct"),
            lender=pay.get("lender"),
            due_date=pay.get("due_date"),
            instalments=tuple(Instalment(i["due_date"], i["pct"]) for i in pay.get("instalments") or ()),
        ),
        discounts=tuple(data.get("discounts") or ()),
        extra_discount=ExtraDiscount(**extra) if extra else None,
        deposit=data["deposit"],
    )
