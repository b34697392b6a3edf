"""The office's paperwork in the ledger (SQLite or PostgreSQL, one project's rows): the price history, the notices sent to buyers, customer cases.

Every statement on these tables is here (migration 0003), scoped to the ledger's project; callers get plain mappings back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from toolkit.ledger.store import Ledger, now

NOTICE_FIELDS = ("sent", "answer", "answered", "change_no", "payload")
CASE_FIELDS = ("escalated_to", "answer", "answered", "handler")


class Paper:
    """Price history, notices and cases of one project's ledger."""

    def __init__(self, ledger: Ledger):
        self.ledger, self.db, self.project = ledger, ledger.db, ledger.project

    def close(self) -> None:
        """Close the ledger underneath."""
        self.ledger.close()

    # -- price history ----------------------------------------------------------------------------------
    def record_prices(self, rows: Iterable[tuple[str, str, str, str]], scheme: str, effective: str) -> int:
        """Keep a price list as it takes effect: (code, list, filed, floor unit price) per unit."""
        at = now()
        with self.ledger.batch():
            cur = self.db.executemany(
                "INSERT INTO price_history(project, code, list_unit_price, filed_unit_price, floor_unit_price, "
                "scheme, effective, recorded_at) VALUES (?,?,?,?,?,?,?,?)",
                [(self.project, *r, scheme, effective, at) for r in rows],
            )
        return cur.rowcount

    def price_history(self, code: str) -> list[dict[str, Any]]:
        """Return a unit's list prices, oldest first."""
        rows = self.db.execute(
            "SELECT list_unit_price, filed_unit_price, floor_unit_price, scheme, effective FROM price_history "
            "WHERE project=? AND code=? ORDER BY effective, id",
            (self.project, code),
        )
        return [dict(r) for r in rows]

    def last_prices_before(self, effective: str) -> dict[str, str]:
        """Return each unit's last list unit price in effect before a date."""
        rows = self.db.execute(
            "SELECT code, list_unit_price FROM price_history WHERE project=? AND effective < ? ORDER BY effective, id",
            (self.project, effective),
        )
        return {r["code"]: r["list_unit_price"] for r in rows}

    # -- notices ----------------------------------------------------------------------------------------
    def add_notice(self, no: str, *, kind: str, deal_no: str, unit: str, payload: dict[str, Any], issued: str) -> None:
        """Record a notice as issued."""
        self.ledger._tx(
            "INSERT INTO notices(project, no, kind, deal_no, unit, payload, issued) VALUES (?,?,?,?,?,?,?)",
            (self.project, no, kind, deal_no, unit, json.dumps(payload, ensure_ascii=False, default=str), issued),
        )

    def has_notice(self, no: str) -> bool:
        """Say whether a notice number is on record."""
        return (
            self.db.execute("SELECT 1 AS x FROM notices WHERE project=? AND no=?", (self.project, no)).fetchone()
            is not None
        )

    def notice(self, no: str) -> dict[str, Any] | None:
        """Return a notice, or None."""
        row = self.db.execute("SELECT * FROM notices WHERE project=? AND no=?", (self.project, no)).fetchone()
        return _decoded(row) if row else None

    def notices_of_deal(self, deal_no: str) -> list[dict[str, Any]]:
        """Return a deal's notices, in the order they were issued."""
        rows = self.db.execute(
            "SELECT * FROM notices WHERE project=? AND deal_no=? ORDER BY issued, no", (self.project, deal_no)
        )
        return [_decoded(r) for r in rows]

    def update_notice(self, no: str, **fields: Any) -> None:
        """Set the sent date, the answer and its date, the refund change a rescission started."""
        bad = set(fields) - set(NOTICE_FIELDS)
        if bad:
            raise KeyError(f"not a notice field: {sorted(bad)}")
        if "payload" in fields:
            fields["payload"] = json.dumps(fields["payload"], ensure_ascii=False, default=str)
        sets = ", ".join(f"{k}=?" for k in fields)
        self.ledger._tx(f"UPDATE notices SET {sets} WHERE project=? AND no=?", (*fields.values(), self.project, no))

    # -- cases ------------------------------------------------------------------------------------------
    def add_case(self, no: str, **fields: Any) -> None:
        """Record a customer case as received."""
        cols = ("project", "no", *fields)
        marks = ",".join("?" for _ in cols)
        self.ledger._tx(f"INSERT INTO cases({', '.join(cols)}) VALUES ({marks})", (self.project, no, *fields.values()))

    def case(self, no: str) -> dict[str, Any] | None:
        """Return a case, or None."""
        row = self.db.execute("SELECT * FROM cases WHERE project=? AND no=?", (self.project, no)).fetchone()
        return dict(row) if row else None

    def cases(self, *, open_only: bool = False) -> list[dict[str, Any]]:
        """Return the cases, oldest first; only the unanswered ones when asked."""
        sql = "SELECT * FROM cases WHERE project=?" + (" AND answered IS NULL" if open_only else "")
        return [dict(r) for r in self.db.execute(sql + " ORDER BY received, no", (self.project,))]

    def update_case(self, no: str, **fields: Any) -> None:
        """Set a case's escalation, handler or answer."""
        bad = set(fields) - set(CASE_FIELDS)
        if bad:
            raise KeyError(f"not a case field: {sorted(bad)}")
        sets = ", ".join(f"{k}=?" for k in fields)
        self.ledger._tx(f"UPDATE cases SET {sets} WHERE project=? AND no=?", (*fields.values(), self.project, no))

    def count(self, table: str, prefix: str) -> int:
        """Count the notices or cases whose number starts with a prefix (to number the next one)."""
        if table not in ("notices", "cases"):
            raise KeyError(table)
        row = self.db.execute(
            f"SELECT COUNT(*) AS n FROM {table} WHERE project=? AND no LIKE ?", (self.project, prefix + "%")
        ).fetchone()
        return int(row["n"])


def _decoded(row: Any) -> dict[str, Any]:
    return {**dict(row), "payload": json.loads(row["payload"])}
