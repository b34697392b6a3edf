"""Read-only queries of the ledger for the period reports; each takes the ledger's connection.

Each query takes the project's code: a ledger holding several projects (a `project` column on its tables) is
filtered by it; the SQLite ledger under a project folder holds one project, so there it selects everything.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from typing import Any

DEAL_COLUMNS = "d.deal_no, d.unit, d.status, d.total, d.subscribe_date, d.salesperson, d.sign_deadline, d.sign_date"


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in db.execute(f"PRAGMA table_info({table})")}


def _has(db: sqlite3.Connection, table: str) -> bool:
    return bool(_columns(db, table))


def _of(db: sqlite3.Connection, table: str, alias: str, project: str | None) -> tuple[str, list[str]]:
    """Return the condition selecting one project's rows, where the table keeps several projects."""
    if project is None or "project" not in _columns(db, table):
        return "", []
    return f" AND {alias}project=?", [project]


def _deal(row: sqlite3.Row) -> dict[str, Any]:
    out = {**dict(row), "total": Decimal(row["total"])}
    for key in ("discounts", "plan"):
        if key in out:
            out[key] = json.loads(out[key]) if out[key] else []
    return out


def subscriptions(db: sqlite3.Connection, start: str, end: str, project: str | None = None) -> list[dict[str, Any]]:
    """Return the deals subscribed between two dates (inclusive), at their current terms."""
    if not _has(db, "deals"):
        return []
    where, args = _of(db, "deals", "d.", project)
    rows = db.execute(
        f"SELECT {DEAL_COLUMNS}, d.payment_method, d.discounts FROM deals d "
        f"WHERE d.subscribe_date BETWEEN ? AND ?{where} ORDER BY d.deal_no",
        (start, end, *args),
    )
    return [_deal(r) for r in rows]


def signings(db: sqlite3.Connection, start: str, end: str, project: str | None = None) -> list[dict[str, Any]]:
    """Return the contracts signed between two dates, by the deal's 签约 date.

    Deals recorded before the ledger kept that date are found by their units' 已签约 events.
    """
    if not _has(db, "deals"):
        return []
    where, args = _of(db, "deals", "d.", project)
    rows = db.execute(
        f"SELECT {DEAL_COLUMNS}, d.sign_date AS date FROM deals d WHERE d.sign_date BETWEEN ? AND ?{where} "
        f"UNION ALL SELECT {DEAL_COLUMNS.replace('d.unit', 'e.code AS unit')}, substr(e.at, 1, 10) AS date "
        "FROM unit_events e JOIN deals d ON d.deal_no = e.deal_no WHERE d.sign_date IS NULL "
        f"AND e.status='已签约' AND substr(e.at, 1, 10) BETWEEN ? AND ?{where} ORDER BY date, deal_no",
        (start, end, *args, start, end, *args),
    )
    return [_deal(r) for r in rows]


def receipts(db: sqlite3.Connection, start: str, end: str, project: str | None = None) -> list[dict[str, Any]]:
    """Return the valid receipts between two dates, refunds included (kind 退款), with the deal's consultant."""
    if not _has(db, "receipts"):
        return []
    where, args = _of(db, "receipts", "r.", project)
    rows = db.execute(
        "SELECT r.no, r.date, r.unit, r.deal_no, r.kind, r.amount, r.channel, d.salesperson FROM receipts r "
        f"LEFT JOIN deals d ON d.deal_no = r.deal_no WHERE r.status='有效' AND r.date BETWEEN ? AND ?{where} "
        "ORDER BY r.no",
        (start, end, *args),
    )
    return [{**dict(r), "amount": Decimal(r["amount"])} for r in rows]


def changes(db: sqlite3.Connection, start: str, end: str, project: str | None = None) -> list[dict[str, Any]]:
    """Return the changes executed between two dates, payload decoded."""
    if not _has(db, "changes"):
        return []
    where, args = _of(db, "changes", "", project)
    rows = db.execute(
        "SELECT no, kind, deal_no, unit, payload, approved_by, date FROM changes "
        f"WHERE status='executed' AND date BETWEEN ? AND ?{where} ORDER BY no",
        (start, end, *args),
    )
    return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]


def unit_statuses(db: sqlite3.Connection, project: str | None = None) -> dict[str, str]:
    """Return the ledger's status of each unit it holds (others keep the price list's)."""
    where, args = _of(db, "units", "", project)
    return {r["code"]: r["status"] for r in db.execute(f"SELECT code, status FROM units WHERE 1=1{where}", args)}


def open_deals(db: sqlite3.Connection, on: str, project: str | None = None) -> list[dict[str, Any]]:
    """Return the deals still standing (认购 or 签约) subscribed by a day, with their plan and what was paid by then.

    `paid` is what the buyers paid (refunds and 按揭款 apart); `lent` what the lender disbursed (按揭款).
    """
    if not _has(db, "deals"):
        return []
    where, args = _of(db, "deals", "d.", project)
    rows = db.execute(
        f"SELECT {DEAL_COLUMNS}, d.payment_method, d.plan, COALESCE(p.paid, 0) AS paid, COALESCE(p.lent, 0) AS lent "
        "FROM deals d LEFT JOIN (SELECT deal_no, "
        "SUM(CASE WHEN kind<>'按揭款' THEN CAST(amount AS REAL) ELSE 0 END) AS paid, "
        "SUM(CASE WHEN kind='按揭款' THEN CAST(amount AS REAL) ELSE 0 END) AS lent "
        "FROM receipts WHERE status='有效' AND kind<>'退款' AND date<=? GROUP BY deal_no) p ON p.deal_no = d.deal_no "
        f"WHERE d.status IN ('已认购', '已签约') AND d.subscribe_date<=?{where} ORDER BY d.deal_no",
        (on, on, *args),
    )
    return [_deal(r) | {"paid": _yuan(r["paid"]), "lent": _yuan(r["lent"])} for r in rows]


def _yuan(x: float) -> Decimal:
    # SQLite sums the text amounts as REAL: back to yuan and fen (whole yuan shown without fen)
    d = Decimal(str(round(x, 2)))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.quantize(Decimal("0.01"))


def expired(db: sqlite3.Connection, on: str, project: str | None = None) -> list[dict[str, Any]]:
    """Return the 认购 whose signing deadline had passed by a day without a contract (and not refunded by then)."""
    if not _has(db, "deals"):
        return []
    where, args = _of(db, "deals", "d.", project)
    rows = db.execute(
        f"SELECT {DEAL_COLUMNS} FROM deals d WHERE d.sign_deadline < ? AND d.subscribe_date <= ? "
        "AND (d.sign_date IS NULL OR d.sign_date > ?) AND d.deal_no NOT IN "
        f"(SELECT deal_no FROM changes WHERE kind='refund' AND status='executed' AND date <= ?){where} "
        "ORDER BY d.deal_no",
        (on, on, on, on, *args),
    )
    return [_deal(r) for r in rows]
