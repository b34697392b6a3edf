"""Sales control (销控) in the ledger (SQLite or PostgreSQL, one project's rows): units through their state machine, deals, changes, receipts.

A unit's status is the ledger's when the ledger has one, else the price list's. Every move is guarded
(DOMAIN §5), goes through the state machine (`ledger/states.py`) and is kept as an event; a refusal is a
`Refusal` naming the rule that refused it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from toolkit.ledger.base import UnitState
from toolkit.ledger.states import UnitStatus, check_deal_move, check_unit_move
from toolkit.ledger.store import Ledger, now
from toolkit.rules import Refusal

__all__ = ["Sales", "UnitState"]
RECEIPT = ("no", "date", "payer", "unit", "deal_no", "kind", "amount", "channel", "account", "cashier", "status")
CHANGE_CODES = {"refund": "TF", "room": "HF", "rename": "GM", "price": "JG"}


class Sales:
    """The sales-control side of a project's ledger (the `SalesLedger`, on either backend)."""

    def __init__(self, ledger: Ledger, price_list_status: dict[str, str]):
        self.ledger, self.db, self.listed = ledger, ledger.db, price_list_status
        self.project = ledger.project

    def close(self) -> None:
        """Close the ledger underneath."""
        self.ledger.close()

    def transaction(self) -> Any:
        """Return a context manager for one atomic change: the units read inside it stay locked until it ends."""
        return self.db.tx()

    # -- units ----------------------------------------------------------------------------------
    def unit(self, code: str) -> UnitState:
        """Return a unit's state: the ledger's, or the price list's when the ledger has none."""
        if code not in self.listed:
            raise Refusal.of("input.invalid", f"房号{code}不在价目表中")
        row = self.ledger.unit(code)  # locked inside a transaction: two offices never both see it free
        if row is None:
            return UnitState(code, self.listed[code], None, None, False)
        return UnitState(code, row["status"], row["deal_no"], row["pending"], bool(row["needs_pricing"]))

    def all_units(self) -> dict[str, UnitState]:
        """Return every unit of the price list with its current state."""
        return {code: self.unit(code) for code in self.listed}

    def reports_connection(self) -> Any:
        """Return what the read-only queries of `ledger/analytics.py` run on: this project's rows."""
        from toolkit.ledger.analytics import Scope

        return Scope(self.db, self.project)

    def history(self, code: str) -> list[dict[str, Any]]:
        """Return a unit's events, oldest first."""
        rows = self._q("SELECT status, deal_no, at FROM unit_events WHERE project=? AND code=? ORDER BY id", code)
        return [dict(r) for r in rows]

    def set_unit(
        self, code: str, status: str, deal_no: str | None, *, needs_pricing: bool = False, pending: str | None = None
    ) -> None:
        """Move a unit through the state machine and keep the event (inside the caller's transaction)."""
        check_unit_move(code, self.unit(code).status, status)
        self.ledger.forget_unit(code)
        at = now()
        self.db.execute(
            "INSERT INTO units(project, code, status, deal_no, updated_at, needs_pricing, pending) VALUES "
            "(?,?,?,?,?,?,?) ON CONFLICT(project, code) DO UPDATE SET status=excluded.status, "
            "deal_no=excluded.deal_no, updated_at=excluded.updated_at, "
            "needs_pricing=excluded.needs_pricing, pending=excluded.pending",
            (self.project, code, str(status), deal_no, at, int(needs_pricing), pending),
        )
        shown = status + (f"（{pending}审批中）" if pending else "") + ("（待价格审核）" if needs_pricing else "")
        self.db.execute(
            "INSERT INTO unit_events(project, code, status, deal_no, at) VALUES (?,?,?,?,?)",
            (self.project, code, shown, deal_no, at),
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
        return self._q("SELECT 1 AS x FROM deals WHERE project=? AND deal_no=?", deal_no).fetchone() is not None

    def deal(self, deal_no: str) -> dict[str, Any]:
        """Return a deal on record."""
        row = self._q("SELECT * FROM deals WHERE project=? AND deal_no=?", deal_no).fetchone()
        if row is None:
            raise Refusal.of("input.invalid", f"台账中没有成交{deal_no}")
        return {**dict(row), "buyers": json.loads(row["buyers"])}

    def save_deal(self, deal_no: str, *, new: dict[str, Any] | None = None, **fields: Any) -> None:
        """Insert or update a deal, its status through the state machine (inside the caller's transaction).

        `new`: more fields, set only when the deal is not on record yet (read once, with its status).
        """
        read = "status" in fields or bool(new)
        row = self._q("SELECT status FROM deals WHERE project=? AND deal_no=?", deal_no).fetchone() if read else None
        if row is None and new:
            fields = new | fields
        if "status" in fields:
            check_deal_move(deal_no, row["status"] if row else None, fields["status"])
            if fields["status"] == "已签约" and not (row and row["status"] == "已签约"):  # by the events' clock
                fields.setdefault("sign_date", now()[:10])
        fields = {k: (json.dumps(v, ensure_ascii=False) if k == "buyers" else str(v)) for k, v in fields.items()}
        self._upsert("deals", "deal_no", deal_no, fields | {"updated_at": now()}, row is not None if read else None)

    def open_deals(self, date: str) -> list[dict[str, Any]]:
        """Return the deals subscribed on or before a date and not refunded."""
        rows = self._q(
            "SELECT deal_no, unit FROM deals WHERE project=? AND subscribe_date<=? AND status IN ('已认购','已签约') "
            "ORDER BY deal_no",
            date,
        )
        return [dict(r) for r in rows]

    def deals_subscribed_on(self, date: str) -> list[dict[str, Any]]:
        """Return the number and total of the deals subscribed on a day."""
        rows = self._q("SELECT deal_no, total FROM deals WHERE project=? AND subscribe_date=? ORDER BY deal_no", date)
        return [dict(r) for r in rows]

    # -- changes --------------------------------------------------------------------------------
    def change(self, no: str) -> dict[str, Any]:
        """Return a change on record."""
        row = self._q("SELECT * FROM changes WHERE project=? AND no=?", no).fetchone()
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
        rows = self._q(
            "SELECT no, kind, status, date FROM changes WHERE project=? AND (unit=? OR new_unit=?) ORDER BY no",
            code,
            code,
        )
        return [dict(r) for r in rows]

    def changes_on(self, date: str) -> list[dict[str, Any]]:
        """Return the changes executed on a day."""
        rows = self._q("SELECT * FROM changes WHERE project=? AND date=? AND status='executed' ORDER BY no", date)
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

    def requested_changes(self) -> list[dict[str, Any]]:
        """Return the changes requested and not yet approved, in number order."""
        rows = self._q("SELECT * FROM changes WHERE project=? AND status='requested' ORDER BY no")
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

    def next_change_no(self, deal_no: str, kind: str) -> str:
        """Number a deal's changes: CHY-2026-0001-TF1 (退房), -HF (换房), -GM (更名), -JG (价格)."""
        n = self._q(
            "SELECT COUNT(*) AS n FROM changes WHERE project=? AND deal_no=? AND kind=?", deal_no, kind
        ).fetchone()["n"]
        return f"{deal_no}-{CHANGE_CODES[kind]}{n + 1}"

    def _upsert(self, table: str, key: str, value: str, fields: dict[str, Any], exists: bool | None = None) -> None:
        """Update the row's given fields, or insert the row when there is none (`exists`: known already)."""
        if exists is None:
            exists = self._q(f"SELECT 1 AS x FROM {table} WHERE project=? AND {key}=?", value).fetchone() is not None
        if exists:
            sets = ", ".join(f"{k}=?" for k in fields)
            self.db.execute(
                f"UPDATE {table} SET {sets} WHERE project=? AND {key}=?", (*fields.values(), self.project, value)
            )
        else:
            cols, marks = ", ".join(fields), ", ".join("?" for _ in fields)
            self.db.execute(
                f"INSERT INTO {table}(project, {key}, {cols}) VALUES (?, ?, {marks})",
                (self.project, value, *fields.values()),
            )

    def _q(self, sql: str, *args: Any) -> Any:
        """Run a query whose first placeholder is the project."""
        return self.db.execute(sql, (self.project, *args))

    # -- money ----------------------------------------------------------------------------------
    def add_receipt(self, **r: Any) -> None:
        """Record a receipt; its number is unique."""
        with self.transaction():
            self.db.lock(self.project, "receipt", r["no"])  # two cashiers with one number: the second is refused
            if self._q("SELECT 1 AS x FROM receipts WHERE project=? AND no=?", r["no"]).fetchone():
                raise Refusal.of("receipt.duplicate", f"收据号{r['no']}已登记")
            values = {**r, "amount": str(r["amount"]), "status": r.get("status", "有效")}
            self.db.execute(
                f"INSERT INTO receipts(project, {', '.join(RECEIPT)}) VALUES (?{', ?' * len(RECEIPT)})",
                (self.project, *(values[k] for k in RECEIPT)),
            )

    def receipts(self, *, date: str | None = None, deal_no: str | None = None) -> list[dict[str, Any]]:
        """Return receipts, by date or by deal, in number order."""
        sql, args = "SELECT * FROM receipts WHERE project=?", [self.project]
        if date:
            sql, args = sql + " AND date=?", args + [date]
        if deal_no:
            sql, args = sql + " AND deal_no=?", args + [deal_no]
        return [{**dict(r), "amount": Decimal(r["amount"])} for r in self.db.execute(sql + " ORDER BY no", args)]

    def paid(self, deal_no: str, kind: str | None = None) -> Decimal:
        """Return what a deal's buyers have paid (valid receipts, refunds excluded), or paid as one kind (定金)."""
        return sum(
            (
                r["amount"]
                for r in self.receipts(deal_no=deal_no)
                if r["status"] == "有效" and r["kind"] != "退款" and (kind is None or r["kind"] == kind)
            ),
            Decimal(0),
        )

    def add_deposit(self, date: str, kind: str, amount: Decimal, account: str, reference: str = "") -> None:
        """Record a cash deposit to the bank or a bank credit."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO deposits(project, date, kind, amount, account, reference) VALUES (?,?,?,?,?,?)",
                (self.project, date, kind, str(amount), account, reference),
            )

    def deposits(self, date: str) -> list[dict[str, Any]]:
        """Return a day's cash deposits and bank credits."""
        rows = self._q("SELECT * FROM deposits WHERE project=? AND date=? ORDER BY id", date)
        return [{**dict(r), "amount": Decimal(r["amount"])} for r in rows]

    def events_on(self, date: str) -> list[dict[str, Any]]:
        """Return the unit events of a day."""
        rows = self._q("SELECT * FROM unit_events WHERE project=? AND substr(at, 1, 10)=? ORDER BY id", date)
        return [dict(r) for r in rows]
