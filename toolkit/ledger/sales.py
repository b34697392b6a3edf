"""Sales control (销控) in the SQLite ledger: units through their state machine, deals, changes, receipts.

A unit's status is the ledger's when the ledger has one, else the price list's. Every move is guarded
(DOMAIN §5), goes through the state machine (`ledger/states.py`) and is kept as an event; a refusal is a
`Refusal` naming the rule that refused it.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from typing import Any

from toolkit.ledger.base import UnitState
from toolkit.ledger.states import UnitStatus, check_deal_move, check_unit_move
from toolkit.ledger.store import Ledger, now
from toolkit.rules import Refusal

__all__ = ["Sales", "UnitState"]
CHANGE_CODES = {"refund": "TF", "room": "HF", "rename": "GM", "price": "JG"}


class Sales:
    """The sales-control side of a project's ledger (the SQLite `SalesLedger`)."""

    def __init__(self, ledger: Ledger, price_list_status: dict[str, str]):
        self.ledger, self.db, self.listed = ledger, ledger.db, price_list_status

    def close(self) -> None:
        """Close the ledger underneath."""
        self.ledger.close()

    def transaction(self) -> _Tx:
        """Return a context manager for one atomic change: reads inside it see what no one else can change."""
        return _Tx(self.db)

    # -- units ----------------------------------------------------------------------------------
    def unit(self, code: str) -> UnitState:
        """Return a unit's state: the ledger's, or the price list's when the ledger has none."""
        if code not in self.listed:
            raise Refusal.of("input.invalid", f"房号{code}不在价目表中")
        row = self.db.execute("SELECT * FROM units WHERE code=?", (code,)).fetchone()
        if row is None:
            return UnitState(code, self.listed[code], None, None, False)
        return UnitState(code, row["status"], row["deal_no"], row["pending"], bool(row["needs_pricing"]))

    def all_units(self) -> dict[str, UnitState]:
        """Return every unit of the price list with its current state."""
        return {code: self.unit(code) for code in self.listed}

    def reports_connection(self) -> Any:
        """Return the connection the read-only queries of `ledger/analytics.py` run on (the period reports)."""
        return self.db

    def history(self, code: str) -> list[dict[str, Any]]:
        """Return a unit's events, oldest first."""
        rows = self.db.execute("SELECT status, deal_no, at FROM unit_events WHERE code=? ORDER BY id", (code,))
        return [dict(r) for r in rows]

    def set_unit(
        self, code: str, status: str, deal_no: str | None, *, needs_pricing: bool = False, pending: str | None = None
    ) -> None:
        """Move a unit through the state machine and keep the event (inside the caller's transaction)."""
        check_unit_move(code, self.unit(code).status, status)
        at = now()
        self.db.execute(
            "INSERT INTO units(code, status, deal_no, updated_at, needs_pricing, pending) VALUES "
            "(?,?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET status=excluded.status, "
            "deal_no=excluded.deal_no, updated_at=excluded.updated_at, "
            "needs_pricing=excluded.needs_pricing, pending=excluded.pending",
            (code, str(status), deal_no, at, int(needs_pricing), pending),
        )
        shown = status + (f"（{pending}审批中）" if pending else "") + ("（待价格审核）" if needs_pricing else "")
        self.db.execute(
            "INSERT INTO unit_events(code, status, deal_no, at) VALUES (?,?,?,?)", (code, shown, deal_no, at)
        )

    def guard_sellable(self, code: str) -> UnitState:
        """Refuse a sale of a unit that is not free: sold, held, locked by a change, or not re-priced."""
        u = self.unit(code)
        if u.pending:
            raise Refusal.of("unit.locked", f"房号{code}有{u.pending}申请正在审批，审批完成前不得办理其他业务")
        if u.needs_pricing:
            raise Refusal.of("unit.needs_pricing", f"房号{code}退房或换房后尚未完成价格审核，不得再次销售")
        if u.status != UnitStatus.AVAILABLE:
            held = f"（{u.deal_no}）" if u.deal_no else ""
            raise Refusal.of("unit.unavailable", f"房号{code}当前状态为{u.status}{held}")
        return u

    def guard_deal_unit(self, code: str, deal_no: str, allowed: tuple[str, ...]) -> UnitState:
        """Refuse a change on a unit that is not this deal's, is locked, or is in the wrong state."""
        u = self.unit(code)
        if u.deal_no != deal_no:
            raise Refusal.of("unit.unavailable", f"房号{code}不属于{deal_no}（{u.deal_no or '无成交'}）")
        if u.pending:
            raise Refusal.of("unit.locked", f"房号{code}有{u.pending}申请正在审批")
        if u.status not in allowed:
            raise Refusal.of("change.invalid", f"房号{code}状态为{u.status}，只有{'、'.join(allowed)}的房号可以办理")
        return u

    # -- deals ----------------------------------------------------------------------------------
    def has_deal(self, deal_no: str) -> bool:
        """Say whether a deal is on record."""
        return self.db.execute("SELECT 1 FROM deals WHERE deal_no=?", (deal_no,)).fetchone() is not None

    def deal(self, deal_no: str) -> dict[str, Any]:
        """Return a deal on record."""
        row = self.db.execute("SELECT * FROM deals WHERE deal_no=?", (deal_no,)).fetchone()
        if row is None:
            raise Refusal.of("input.invalid", f"台账中没有成交{deal_no}")
        return {**dict(row), "buyers": json.loads(row["buyers"])}

    def save_deal(self, deal_no: str, **fields: Any) -> None:
        """Insert or update a deal, its status through the state machine (inside the caller's transaction)."""
        if "status" in fields:
            row = self.db.execute("SELECT status FROM deals WHERE deal_no=?", (deal_no,)).fetchone()
            check_deal_move(deal_no, row["status"] if row else None, fields["status"])
            if fields["status"] == "已签约" and not (row and row["status"] == "已签约"):  # by the events' clock
                fields.setdefault("sign_date", now()[:10])
        fields = {k: (json.dumps(v, ensure_ascii=False) if k == "buyers" else str(v)) for k, v in fields.items()}
        self._upsert("deals", "deal_no", deal_no, fields | {"updated_at": now()})

    def open_deals(self, date: str) -> list[dict[str, Any]]:
        """Return the deals subscribed on or before a date and not refunded."""
        rows = self.db.execute(
            "SELECT deal_no, unit FROM deals WHERE subscribe_date<=? AND status IN ('已认购','已签约') ORDER BY deal_no",
            (date,),
        )
        return [dict(r) for r in rows]

    def deals_subscribed_on(self, date: str) -> list[dict[str, Any]]:
        """Return the number and total of the deals subscribed on a day."""
        rows = self.db.execute("SELECT deal_no, total FROM deals WHERE subscribe_date=? ORDER BY deal_no", (date,))
        return [dict(r) for r in rows]

    # -- changes --------------------------------------------------------------------------------
    def change(self, no: str) -> dict[str, Any]:
        """Return a change on record."""
        row = self.db.execute("SELECT * FROM changes WHERE no=?", (no,)).fetchone()
        if row is None:
            raise Refusal.of("input.invalid", f"台账中没有变更单{no}")
        return {**dict(row), "payload": json.loads(row["payload"])}

    def save_change(self, no: str, **fields: Any) -> None:
        """Insert or update a change (inside the caller's transaction)."""
        if "payload" in fields:
            if fields["payload"].get("new_unit"):
                fields["new_unit"] = fields["payload"]["new_unit"]
            fields["payload"] = json.dumps(fields["payload"], ensure_ascii=False, default=str)
        self._upsert("changes", "no", no, fields)

    def changes_of_unit(self, code: str) -> list[dict[str, Any]]:
        """Return the changes of a unit, or that moved a deal onto it, in number order."""
        rows = self.db.execute(
            "SELECT no, kind, status, date FROM changes WHERE unit=? OR new_unit=? ORDER BY no", (code, code)
        )
        return [dict(r) for r in rows]

    def changes_on(self, date: str) -> list[dict[str, Any]]:
        """Return the changes executed on a day."""
        rows = self.db.execute("SELECT * FROM changes WHERE date=? AND status='executed' ORDER BY no", (date,))
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

    def next_change_no(self, deal_no: str, kind: str) -> str:
        """Number a deal's changes: CHY-2026-0001-TF1 (退房), -HF (换房), -GM (更名), -JG (价格)."""
        n = self.db.execute("SELECT COUNT(*) FROM changes WHERE deal_no=? AND kind=?", (deal_no, kind)).fetchone()[0]
        return f"{deal_no}-{CHANGE_CODES[kind]}{n + 1}"

    def _upsert(self, table: str, key: str, value: str, fields: dict[str, Any]) -> None:
        """Update the row's given fields, or insert the row when there is none."""
        if self.db.execute(f"SELECT 1 FROM {table} WHERE {key}=?", (value,)).fetchone():
            sets = ", ".join(f"{k}=?" for k in fields)
            self.db.execute(f"UPDATE {table} SET {sets} WHERE {key}=?", (*fields.values(), value))
        else:
            cols, marks = ", ".join(fields), ", ".join("?" for _ in fields)
            self.db.execute(f"INSERT INTO {table}({key}, {cols}) VALUES (?, {marks})", (value, *fields.values()))

    # -- money ----------------------------------------------------------------------------------
    def add_receipt(self, **r: Any) -> None:
        """Record a receipt; its number is unique."""
        with self.transaction():
            if self.db.execute("SELECT 1 FROM receipts WHERE no=?", (r["no"],)).fetchone():
                raise Refusal.of("receipt.duplicate", f"收据号{r['no']}已登记")
            self.db.execute(
                "INSERT INTO receipts(no, date, payer, unit, deal_no, kind, amount, channel, account, "
                "cashier, status) VALUES (:no,:date,:payer,:unit,:deal_no,:kind,:amount,:channel,:account,"
                ":cashier,:status)",
                {**r, "amount": str(r["amount"]), "status": r.get("status", "有效")},
            )

    def receipts(self, *, date: str | None = None, deal_no: str | None = None) -> list[dict[str, Any]]:
        """Return receipts, by date or by deal, in number order."""
        sql, args = "SELECT * FROM receipts WHERE 1=1", list[str]()
        if date:
            sql, args = sql + " AND date=?", args + [date]
        if deal_no:
            sql, args = sql + " AND deal_no=?", args + [deal_no]
        return [{**dict(r), "amount": Decimal(r["amount"])} for r in self.db.execute(sql + " ORDER BY no", args)]

    def paid(self, deal_no: str) -> Decimal:
        """Return what a deal's buyers have paid (valid receipts, refunds excluded)."""
        return sum(
            (r["amount"] for r in self.receipts(deal_no=deal_no) if r["status"] == "有效" and r["kind"] != "退款"),
            Decimal(0),
        )

    def add_deposit(self, date: str, kind: str, amount: Decimal, account: str, reference: str = "") -> None:
        """Record a cash deposit to the bank or a bank credit."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO deposits(date, kind, amount, account, reference) VALUES (?,?,?,?,?)",
                (date, kind, str(amount), account, reference),
            )

    def deposits(self, date: str) -> list[dict[str, Any]]:
        """Return a day's cash deposits and bank credits."""
        rows = self.db.execute("SELECT * FROM deposits WHERE date=? ORDER BY id", (date,))
        return [{**dict(r), "amount": Decimal(r["amount"])} for r in rows]

    def events_on(self, date: str) -> list[dict[str, Any]]:
        """Return the unit events of a day."""
        rows = self.db.execute("SELECT * FROM unit_events WHERE substr(at, 1, 10)=? ORDER BY id", (date,))
        return [dict(r) for r in rows]


class _Tx:
    """BEGIN IMMEDIATE on entry (so what is read inside is still true at commit), COMMIT or ROLLBACK on exit."""

    def __init__(self, db: sqlite3.Connection):
        self.db, self.outer = db, False

    def __enter__(self) -> _Tx:
        self.outer = not self.db.in_transaction  # a flow already inside a transaction stays in it
        if self.outer:
            self.db.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        if self.outer:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")
