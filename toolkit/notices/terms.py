"""The figures and deadlines of the notices, as the contract sets them (GF-2014-0171 arts. 8, 11, 14, 15).

- Late payment (art. 8): from the day after the due date to the day counted, the overdue amount × the daily
  rate (万分之 a) × days, rounded half-up to the fen; within the grace days tier (一), beyond them the seller
  may terminate (tier 二) and the same daily rate runs on if it does not.
- Design or planning change (arts. 14–15): notice within 10 days of the approval; the buyer answers within 15
  days of service; silence is acceptance. Delivery (art. 11): the notice at least N days before the date.
- Interest on a refund after a rescission (art. 14(4)) is the refund's own (`control/refunds.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from toolkit.findings import Finding
from toolkit.rules import finding

FEN = Decimal("0.01")
CHANGE_NOTICE_DAYS = 10
ANSWER_DAYS = 15


@dataclass(frozen=True)
class LateFee:
    """The late payment on one overdue instalment."""

    overdue: Decimal
    days: int
    rate_bp: int
    penalty: Decimal
    beyond_grace: bool


def late_fee(due_amount: Decimal, paid: Decimal, due: dt.date, on: dt.date, rate_bp: int, grace_days: int) -> LateFee:
    """Compute the late payment on an instalment due on `due`, counted up to and including `on`."""
    overdue = max(due_amount - paid, Decimal(0))
    days = max((on - due).days, 0) if overdue else 0
    penalty = (overdue * Decimal(rate_bp) / Decimal(10000) * days).quantize(FEN, ROUND_HALF_UP)
    return LateFee(overdue, days, rate_bp, penalty, days > grace_days)


def change_notice_findings(approved: dt.date, issued: dt.date, where: str) -> list[Finding]:
    """A design-change notice is due within 10 days of the approval of the change."""
    late = (issued - approved).days - CHANGE_NOTICE_DAYS
    if late <= 0:
        return []
    return [
        finding("notice.deadline", f"变更于{approved}批准，通知应在{CHANGE_NOTICE_DAYS}日内发出，{issued}发出已逾期{late}日；"
                "买受人因此有权解除合同", document=where, location="issued",
                expected=str(approved + dt.timedelta(days=CHANGE_NOTICE_DAYS)), found=str(issued))
    ]  # fmt: skip


def delivery_notice_findings(delivery: dt.date, issued: dt.date, notice_days: int, where: str) -> list[Finding]:
    """A delivery notice is given at least `notice_days` before the delivery date."""
    latest = delivery - dt.timedelta(days=notice_days)
    if issued <= latest:
        return []
    return [
        finding("notice.deadline", f"交付日期{delivery}，交付通知应不晚于{latest}（提前{notice_days}日）发出，"
                f"{issued}发出不足{notice_days}日", document=where, location="issued",
                expected=f"≤ {latest}", found=str(issued))
    ]  # fmt: skip


def answer_by(sent: dt.date) -> dt.date:
    """Return the last day a buyer may answer a change notice served on `sent`."""
    return sent + dt.timedelta(days=ANSWER_DAYS)
