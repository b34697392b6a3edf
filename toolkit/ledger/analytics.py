"""Read-only queries of the ledger for the period reports; each takes one project's `Scope` of the ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from toolkit.ledger.db import Db


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


def subscriptions(db: Scope, start: str, end: str) -> list[dict[str, Any]]:
    """Return the deals subscribed between two dates (inclusive), at their current terms."""
    if not _has(db, "deals"):
        return []
    rows = db.execute(
        "SELECT deal_no, unit, status, total, subscribe_date FROM deals WHERE project=? AND subscribe_date BETWEEN ? AND ? "
        "ORDER BY deal_no",
        (start, end),
    )
    return [{**dict(r), "total": Decimal(r["total"])} for r in rows]


def signings(db: Scope, start: str, end: str) -> list[dict[str, Any]]:
    """Return the contracts signed between two dates: the units' 已签约 events, with the deal's total."""
    if not _has(db, "deals"):
        return []
    rows = db.execute(
        "SELECT e.deal_no, e.code AS unit, substr(e.at, 1, 10) AS date, d.total, d.subscribe_date "
        "FROM unit_events e JOIN deals d ON d.project = e.project AND d.deal_no = e.deal_no "
        "WHERE e.project=? AND e.status='已签约' AND substr(e.at, 1, 10) BETWEEN ? AND ? ORDER BY e.id",
        (start, end),
    )
    return [{**dict(r), "total": Decimal(r["total"])} for r in rows]


def receipts(db: Scope, start: str, end: str) -> list[dict[str, Any]]:
    """Return the valid receipts between two dates, refunds included (kind 退款)."""
    if not _has(db, "receipts"):
        return []
    rows = db.execute(
        "SELECT no, date, unit, deal_no, kind, amount, channel FROM receipts "
        "WHERE project=? AND status='有效' AND date BETWEEN ? AND ? ORDER BY no",
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


def open_deals(db: Scope) -> list[dict[str, Any]]:
    """Return the deals still standing (认购 or 签约), with what their buyers have paid."""
    if not _has(db, "deals"):
        return []
    rows = db.execute(
        "SELECT d.deal_no, d.unit, d.status, d.total, d.payment_method, d.subscribe_date, "
        "COALESCE(p.paid, 0) AS paid FROM deals d LEFT JOIN (SELECT deal_no, SUM(CAST(amount AS DOUBLE PRECISION)) "
        "AS paid FROM receipts WHERE project=? AND status='有效' AND kind<>'退款' GROUP BY deal_no) p "
        "ON p.deal_no = d.deal_no WHERE d.project=? AND d.status IN ('已认购', '已签约') ORDER BY d.deal_no",
        (db.project,),
    )
    return [{**dict(r), "total": Decimal(r["total"]), "paid": Decimal(str(round(r["paid"], 2)))} for r in rows]
