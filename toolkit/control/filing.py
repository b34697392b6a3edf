"""备案: a signed pre-sale contract is filed with the housing authority within 30 days (R-REG-01).

The ledger dates each unit event by the day it is recorded (the 签约 and 备案 dates of the daily report), so
the check reads both from a unit's history: a contract filed late is reported on its filing day, one still
unfiled past the limit on every day report until it is filed.
"""

from __future__ import annotations

import datetime as dt

from toolkit.findings import Finding
from toolkit.ledger.base import SalesLedger as Sales
from toolkit.ledger.states import UnitStatus as U
from toolkit.rules import enabled, finding, spec_of


def file_contract(sales: Sales, deal_no: str) -> None:
    """Record the 备案 of a signed contract: its unit moves to 已备案."""
    with sales.transaction():
        deal = sales.deal(deal_no)
        sales.guard_deal_unit(deal["unit"], deal_no, (U.CONTRACTED,))
        sales.set_unit(deal["unit"], U.FILED, deal_no)


def filing_findings(sales: Sales, date: str) -> list[Finding]:
    """List the contracts filed late on a day and those signed longer ago than the limit and still unfiled."""
    if not enabled("filing.late"):
        return []
    limit = int(spec_of("filing.late").params.get("max_days", 30))
    day = dt.date.fromisoformat(date)
    out = []
    for d in sales.open_deals(date):
        signed, filed = _dates(sales.history(d["unit"]), d["deal_no"])
        if signed is None or signed > day:
            continue
        if filed is not None and filed <= day:
            if filed == day and (filed - signed).days > limit:
                out.append(_late(d, f"于{filed}备案，距签约日{signed}已{(filed - signed).days}日", limit))
        elif (day - signed).days > limit:
            out.append(_late(d, f"{signed}签约，至{day}已{(day - signed).days}日仍未备案", limit))
    return out


def signed_unfiled(sales: Sales, deals: dict[str, dict], day: dt.date) -> list[tuple[str, dt.date]]:
    """Return the deals (by number, with their unit) signed by a day and not filed by it, with the signing day."""
    out = []
    for deal_no, d in deals.items():
        signed, filed = _dates(sales.history(d["unit"]), deal_no)
        if signed is not None and signed <= day and (filed is None or filed > day):
            out.append((deal_no, signed))
    return out


def filed_on(events: list[dict], deal_no: str) -> dt.date | None:
    """Return the day a deal's contract was filed, from its unit's history (None when it was not)."""
    return _dates(events, deal_no)[1]


def _dates(events: list[dict], deal_no: str) -> tuple[dt.date | None, dt.date | None]:
    """Return the day a deal's contract was recorded and the day it was filed (None when not yet)."""

    def first(status: str) -> dt.date | None:
        at = next((e["at"] for e in events if e["status"] == status and e["deal_no"] == deal_no), None)
        return dt.date.fromisoformat(at[:10]) if at else None

    return first(U.CONTRACTED), first(U.FILED)


def _late(d: dict, what: str, limit: int) -> Finding:
    message = f"{d['deal_no']}（{d['unit']}）的商品房买卖合同{what}，应在签约后{limit}日内办理备案"
    return finding("filing.late", message, location=d["deal_no"], expected=f"<= {limit} 日", found=what)
