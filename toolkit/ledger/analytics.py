"""Read-only queries of the ledger for the period reports; each takes one project's `Scope` of the ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from toolkit.ledger.db import Db

DEAL_COLUMNS = "d.deal_no, d.unit, d.status, d.total, d.subscribe_date, d.salesperson, d.sign_deadline, d.sign_date"


@dataclass(frozen=True)
class Scope:
    """One project's rows of a ledger database: every query below runs with its project code first."""

    db: Db
    project: str

    def execute(self, sql: str, args: tuple = ()) -> Any:
        """Run a query whose first placeholder is the project."""
        return self.db.execute(sql, (self.project, *args))


def _has(db: Scope, table: str) -> bool:
    return db.db.has_table(table)


def _deal(row: Any) -> dict[str, Any]:
    out = {**dict(row), "total": Decimal(row["total"])}
    for key in ("discounts", "plan"):
        if key in out:
            out[key] = json.loads(out[key]) if out[key] else []
    return out


def subscriptions(db: Scope, start: str, end: str) -> list[dict[str, Any]]:
    """Return the deals subscribed between two dates (inclusive), at their current terms."""
    if not _has(db, "deals"):
        return []
    rows = db.execute(
        f"SELECT {DEAL_COLUMNS}, d.payment_method, d.discounts FROM deals d "
        "WHERE d.project=? AND d.subscribe_date BETWEEN ? AND ? ORDER BY d.deal_no",
        (start, end),
    )
    return [_deal(r) for r in rows]


def signings(db: Scope, start: str, end: str) -> list[dict[str, Any]]:
    """Return the contracts signed between two dates, by the deal's 签约 date.

    Deals recorded before the ledger kept that date are found by their units' 已签约 events.
    """
    if not _has(db, "deals"):
        return []
    rows = db.execute(
        f"SELECT {DEAL_COLUMNS}, d.sign_date AS date FROM deals d WHERE d.project=? AND d.sign_date BETWEEN ? AND ? "
        f"UNION ALL SELECT {DEAL_COLUMNS.replace('d.unit', 'e.code AS unit')}, substr(e.at, 1, 10) AS date "
        "FROM unit_events e JOIN deals d ON d.project = e.project AND d.deal_no = e.deal_no "
        "WHERE e.project=? AND d.sign_date IS NULL AND e.status='已签约' AND substr(e.at, 1, 10) BETWEEN ? AND ? "
        "ORDER BY date, deal_no",
        (start, end, db.project, start, end),
    )
    return [_deal(r) for r in rows]


def receipts(db: Scope, start: str, end: str) -> list[dict[str, Any]]:
    """Return the valid receipts between two dates, refunds included (kind 退款), with the deal's consultant."""
    if not _has(db, "receipts"):
        return []
    rows = db.execute(
        "SELECT r.no, r.date, r.unit, r.deal_no, r.kind, r.amount, r.channel, d.salesperson FROM receipts r "
        "LEFT JOIN deals d ON d.project = r.project AND d.deal_no = r.deal_no "
        "WHERE r.project=? AND r.status='有效' AND r.date BETWEEN ? AND ? ORDER BY r.no",
        (start, end),
    )
    return [{**dict(r), "amount": Decimal(r["amount"])} for r in rows]


def changes(db: Scope, start: str, end: str) -> list[dict[str, Any]]:
    """Return the changes executed between two dates, payload decoded."""
    if not _has(db, "changes"):
        return []
    rows = db.execute(
        "SELECT no, kind, deal_no, unit, payload, approved_by, date FROM changes "
        "WHERE project=? AND status='executed' AND date BETWEEN ? AND ? ORDER BY no",
        (start, end),
    )
    return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]


def unit_statuses(db: Scope) -> dict[str, str]:
    """Return the ledger's status of each unit it holds (others keep the price list's)."""
    return {r["code"]: r["status"] for r in db.execute("SELECT code, status FROM units WHERE project=?")}


def open_deals(db: Scope, on: str) -> list[dict[str, Any]]:
    """Return the deals still standing (认购 or 签约) subscribed by a day, with their plan and what was paid by then.

    `paid` is what the buyers paid (refunds and 按揭款 apart); `lent` what the lender disbursed (按揭款).
    """
    if not _has(db, "deals"):
        return []
    rows = db.execute(
        f"SELECT {DEAL_COLUMNS}, d.payment_method, d.plan, COALESCE(p.paid, 0) AS paid, COALESCE(p.lent, 0) AS lent "
        "FROM deals d LEFT JOIN (SELECT deal_no, "
        "SUM(CASE WHEN kind<>'按揭款' THEN CAST(amount AS DOUBLE PRECISION) ELSE 0 END) AS paid, "
        "SUM(CASE WHEN kind='按揭款' THEN CAST(amount AS DOUBLE PRECISION) ELSE 0 END) AS lent "
        "FROM receipts WHERE project=? AND status='有效' AND kind<>'退款' AND date<=? GROUP BY deal_no) p "
        "ON p.deal_no = d.deal_no WHERE d.project=? AND d.status IN ('已认购', '已签约') AND d.subscribe_date<=? "
        "ORDER BY d.deal_no",
        (on, db.project, on),
    )
    return [_deal(r) | {"paid": _yuan(r["paid"]), "lent": _yuan(r["lent"])} for r in rows]


def _yuan(x: float) -> Decimal:
    # the text amounts are summed as floating point: back to yuan and fen (whole yuan shown without fen)
    d = Decimal(str(round(x, 2)))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.quantize(Decimal("0.01"))


def expired(db: Scope, on: str) -> list[dict[str, Any]]:
    """Return the 认购 whose signing deadline had passed by a day without a contract (and not refunded by then)."""
    if not _has(db, "deals"):
        return []
    rows = db.execute(
        f"SELECT {DEAL_COLUMNS} FROM deals d WHERE d.project=? AND d.sign_deadline < ? AND d.subscribe_date <= ? "
        "AND (d.sign_date IS NULL OR d.sign_date > ?) AND d.deal_no NOT IN (SELECT deal_no FROM changes "
        "WHERE project=? AND kind='refund' AND status='executed' AND date <= ?) ORDER BY d.deal_no",
        (on, on, on, db.project, on),
    )
    return [_deal(r) for r in rows]
