"""The office's paperwork in the SQLite ledger: the price history, the notices sent to buyers, customer cases.

Every statement on these tables is here (`schema.PAPER`); callers get plain mappings back.
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
        self.ledger, self.db = ledger, ledger.db

    def close(self) -> None:
        """Close the ledger underneath."""
        self.ledger.close()

    # -- price history ----------------------------------------------------------------------------------
    def record_prices(self, rows: Iterable[tuple[str, str, str, str]], scheme: str, effective: str) -> int:
        """Keep a price list as it takes effect: (code, list, filed, floor unit price) per unit."""
        at = now()
        with self.ledger.batch():
            cur = self.db.executemany(
                "INSERT INTO price_history(code, list_unit_price, filed_unit_price, floor_unit_price, scheme, "
                "effective, recorded_at) VALUES (?,?,?,?,?,?,?)",
                [(*r, scheme, effective, at) for r in rows],
            )
        return cur.rowcount

    def price_history(self, code: str) -> list[dict[str, Any]]:
        """Return a unit's list prices, oldest first."""
        rows = self.db.execute(
            "SELECT list_unit_price, filed_unit_price, floor_unit_price, scheme, effective FROM price_history "
            "WHERE code=? ORDER BY effective, id",
            (code,),
        )
        return [dict(r) for r in rows]

    def last_prices_before(self, effective: str) -> dict[str, str]:
        """Return each unit's last list unit price in effect before a date."""
        rows = self.db.execute(
            "SELECT code, list_unit_price FROM price_history WHERE effective < ? ORDER BY effective, id",
            (effective,),
        )
        return {r["code"]: r["list_unit_price"] for r in rows}

    # -- notices ----------------------------------------------------------------------------------------
    def add_notice(self, no: str, *, kind: str, deal_no: str, unit: str, payload: dict[str, Any], issued: str) -> None:
        """Record a notice as issued."""
        self.ledger._tx(
            "INSERT INTO notices(no, kind, deal_no, unit, payload, issued) VALUES (?,?,?,?,?,?)",
            (no, kind, deal_no, unit, json.dumps(payload, ensure_ascii=False, default=str), issued),
        )

    def has_notice(self, no: str) -> bool:
        """Say whether a notice number is on record."""
        return self.db.execute("SELECT 1 FROM notices WHERE no=?", (no,)).fetchone() is not None

    def notice(self, no: str) -> dict[str, Any] | None:
        """Return a notice, or None."""
        row = self.db.execute("SELECT * FROM notices WHERE no=?", (no,)).fetchone()
        return _decoded(row) if row else None

    def notices_of_deal(self, deal_no: str) -> list[dict[str, Any]]:
        """Return a deal's notices, in the order they were issued."""
        rows = self.db.execute("SELECT * FROM notices WHERE deal_no=? ORDER BY issued, no", (deal_no,))
        return [_decoded(r) for r in rows]

    def update_notice(self, no: str, **fields: Any) -> None:
        """Set the sent date, the answer and its date, the refund change a rescission started."""
        bad = set(fields) - set(NOTICE_FIELDS)
        if bad:
            raise KeyError(f"not a notice field: {sorted(bad)}")
        if "payload" in fields:
            fields["payload"] = json.dumps(fields["payload"], ensure_ascii=False, default=str)
        sets = ", ".join(f"{k}=?" for k in fields)
        self.ledger._tx(f"UPDATE notices SET {sets} WHERE no=?", (*fields.values(), no))

    # -- cases ------------------------------------------------------------------------------------------
    def add_case(self, no: str, **fields: Any) -> None:
        """Record a customer case as received."""
        cols = ("no", *fields)
        marks = ",".join("?" for _ in cols)
        self.ledger._tx(f"INSERT INTO cases({', '.join(cols)}) VALUES ({marks})", (no, *fields.values()))

    def case(self, no: str) -> dict[str, Any] | None:
        """Return a case, or None."""
        row = self.db.execute("SELECT * FROM cases WHERE no=?", (no,)).fetchone()
        return dict(row) if row else None

    def cases(self, *, open_only: bool = False) -> list[dict[str, Any]]:
        """Return the cases, oldest first; only the unanswered ones when asked."""
        sql = "SELECT * FROM cases" + (" WHERE answered IS NULL" if open_only else "") + " ORDER BY received, no"
        return [dict(r) for r in self.db.execute(sql)]

    def update_case(self, no: str, **fields: Any) -> None:
        """Set a case's escalation, handler or answer."""
        bad = set(fields) - set(CASE_FIELDS)
        if bad:
            raise KeyError(f"not a case field: {sorted(bad)}")
        sets = ", ".join(f"{k}=?" for k in fields)
        self.ledger._tx(f"UPDATE cases SET {sets} WHERE no=?", (*fields.values(), no))

    def count(self, table: str, prefix: str) -> int:
        """Count the notices or cases whose number starts with a prefix (to number the next one)."""
        if table not in ("notices", "cases"):
            raise KeyError(table)
        return self.db.execute(f"SELECT COUNT(*) FROM {table} WHERE no LIKE ?", (prefix + "%",)).fetchone()[0]


def _decoded(row: Any) -> dict[str, Any]:
    return {**dict(row), "payload": json.loads(row["payload"])}
