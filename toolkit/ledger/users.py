"""The web page's records in the ledger: users, API tokens, sessions and approvals (who, when, why).

Passwords and tokens arrive here already hashed; this module only stores and finds rows (SQL stays in ledger/).
Every row belongs to the ledger's project (migration 0006): a user is one of that project's staff, so a person
on two projects' rosters has a login on each, with the role each roster gives.
"""

from __future__ import annotations

import json
from typing import Any

from toolkit.ledger.store import Ledger, now


class Accounts:
    """The users, tokens, sessions and approvals tables of one ledger."""

    def __init__(self, ledger: Ledger):
        self.ledger, self.db, self.project = ledger, ledger.db, ledger.project

    def close(self) -> None:
        """Close the ledger underneath."""
        self.ledger.close()

    @property
    def shared(self) -> bool:
        """Say whether the ledger is a shared database (PostgreSQL)."""
        return bool(self.db.pg)

    def clean(self) -> bool:
        """Say whether no transaction is left open (only such a connection is kept for the next call)."""
        return not self.db.in_transaction

    def alive(self) -> bool:
        """Say whether the connection still answers (a kept one may have been cut by a server restart)."""
        try:
            self.db.one("SELECT 1 AS ok")
        except Exception:  # noqa: BLE001 - any failure means: open a new one
            return False
        return True

    def _write(self, sql: str, args: tuple) -> list[Any]:
        """Run one write in its own commit; return the rows it returns (RETURNING: the same on both backends)."""
        return self.ledger._tx(sql, args)

    def _one(self, sql: str, args: tuple = ()) -> dict[str, Any] | None:
        row = self.db.one(sql, (self.project, *args))
        return dict(row) if row else None

    def _all(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(sql, (self.project, *args))]

    # -- users ----------------------------------------------------------------------------------
    def user(self, name: str) -> dict[str, Any] | None:
        """Return a user's row, or None."""
        return self._one("SELECT * FROM users WHERE project=? AND name=?", (name,))

    def users(self) -> list[dict[str, Any]]:
        """Return every user (without the hash)."""
        return self._all("SELECT name, role, created_at FROM users WHERE project=? ORDER BY name")

    def save_user(self, name: str, role: str, password_hash: str) -> None:
        """Add a user or replace their role and password."""
        self._write(
            "INSERT INTO users(project, name, role, password_hash, created_at) VALUES (?,?,?,?,?) "
            "ON CONFLICT(project, name) DO UPDATE SET role=excluded.role, password_hash=excluded.password_hash",
            (self.project, name, role, password_hash, now()),
        )

    # -- tokens ---------------------------------------------------------------------------------
    def add_token(self, user_name: str, token_hash: str) -> int:
        """Store a token's hash; return its id."""
        (row,) = self._write(
            "INSERT INTO tokens(project, user_name, token_hash, created_at) VALUES (?,?,?,?) RETURNING id",
            (self.project, user_name, token_hash, now()),
        )
        return int(row["id"])

    def token_user(self, token_hash: str) -> str | None:
        """Return the user of a live token, or None."""
        row = self._one(
            "SELECT user_name FROM tokens WHERE project=? AND token_hash=? AND revoked_at IS NULL", (token_hash,)
        )
        return row["user_name"] if row else None

    def revoke_tokens(self, user_name: str) -> int:
        """Revoke every live token of a user; return how many."""
        rows = self._write(
            "UPDATE tokens SET revoked_at=? WHERE project=? AND user_name=? AND revoked_at IS NULL RETURNING id",
            (now(), self.project, user_name),
        )
        return len(rows)

    # -- sessions -------------------------------------------------------------------------------
    def add_session(self, sid: str, user_name: str, csrf: str, expires_at: str) -> None:
        """Store a new session."""
        self._write(
            "INSERT INTO sessions(project, sid, user_name, csrf, created_at, expires_at) VALUES (?,?,?,?,?,?)",
            (self.project, sid, user_name, csrf, now(), expires_at),
        )

    def session(self, sid: str) -> dict[str, Any] | None:
        """Return a session that has not expired, or None."""
        return self._one("SELECT * FROM sessions WHERE project=? AND sid=? AND expires_at>?", (sid, now()))

    def end_session(self, sid: str) -> None:
        """Forget a session (log out)."""
        self._write("DELETE FROM sessions WHERE project=? AND sid=?", (self.project, sid))

    # -- approvals ------------------------------------------------------------------------------
    def request(self, kind: str, ref: str, payload: dict[str, Any], requested_by: str) -> int:
        """Record something awaiting approval; return its id."""
        (row,) = self._write(
            "INSERT INTO approvals(project, kind, ref, status, payload, requested_by, requested_at) "
            "VALUES (?,?,?,?,?,?,?) RETURNING id",
            (
                self.project,
                kind,
                ref,
                "requested",
                json.dumps(payload, ensure_ascii=False, default=str),
                requested_by,
                now(),
            ),
        )
        return int(row["id"])

    def approval(self, approval_id: int) -> dict[str, Any] | None:
        """Return one approval record, or None."""
        row = self._one("SELECT * FROM approvals WHERE project=? AND id=?", (approval_id,))
        return _approval(row) if row else None

    def approvals(self, *, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Return approval records, newest first (those of one status when given)."""
        where, args = (" AND status=?", (status,)) if status is not None else ("", ())
        rows = self._all(f"SELECT * FROM approvals WHERE project=?{where} ORDER BY id DESC LIMIT ?", (*args, limit))
        return [_approval(r) for r in rows]

    def latest_for(self, kind: str, ref: str) -> dict[str, Any] | None:
        """Return the newest approval record of a thing, or None."""
        row = self._one(
            "SELECT * FROM approvals WHERE project=? AND kind=? AND ref=? ORDER BY id DESC LIMIT 1", (kind, ref)
        )
        return _approval(row) if row else None

    def decide(self, approval_id: int, status: str, by: str, role: str, reason: str) -> bool:
        """Record an approval or refusal once; False when it was decided already."""
        rows = self._write(
            "UPDATE approvals SET status=?, decided_by=?, decided_role=?, decided_at=?, reason=? "
            "WHERE project=? AND id=? AND status='requested' RETURNING id",
            (status, by, role, now(), reason, self.project, approval_id),
        )
        return len(rows) == 1

    def requested_changes(self) -> list[dict[str, Any]]:
        """Return the ledger's changes (换房, 退房, 更名, price) still awaiting approval."""
        rows = self._all("SELECT * FROM changes WHERE project=? AND status='requested' ORDER BY date, no")
        return [{**r, "payload": json.loads(r["payload"])} for r in rows]

    def recent_files(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Return the latest files the inbox decided on, newest first."""
        rows = self._all(
            "SELECT id, name, outcome, document, deal_no, unit, reasons, decided_at, state FROM files "
            "WHERE project=? AND outcome IS NOT NULL ORDER BY id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [{**r, "reasons": json.loads(r["reasons"]) if r["reasons"] else []} for r in rows]

    def board_version(self) -> int:
        """Return a number that grows whenever a unit of the project moves (the board polls it)."""
        row = self._one("SELECT COALESCE(MAX(id), 0) AS v FROM unit_events WHERE project=?")
        return int(row["v"]) if row else 0


def _approval(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "payload": json.loads(row["payload"])}
