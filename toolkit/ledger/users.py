"""The web page's records in the ledger: users, API tokens, sessions and approvals (who, when, why).

Passwords and tokens arrive here already hashed; this module only stores and finds rows (SQL stays in ledger/).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from toolkit.ledger.store import Ledger, now


class Accounts:
    """The users, tokens, sessions and approvals tables of one ledger."""

    def __init__(self, ledger: Ledger):
        self.ledger, self.db = ledger, ledger.db

    def close(self) -> None:
        """Close the ledger underneath."""
        self.ledger.close()

    def _write(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self.ledger.batch():
            return self.db.execute(sql, args)

    # -- users ----------------------------------------------------------------------------------
    def user(self, name: str) -> dict[str, Any] | None:
        """Return a user's row, or None."""
        row = self.db.execute("SELECT * FROM users WHERE name=?", (name,)).fetchone()
        return dict(row) if row else None

    def users(self) -> list[dict[str, Any]]:
        """Return every user (without the hash)."""
        return [dict(r) for r in self.db.execute("SELECT name, role, created_at FROM users ORDER BY name")]

    def save_user(self, name: str, role: str, password_hash: str) -> None:
        """Add a user or replace their role and password."""
        self._write(
            "INSERT INTO users(name, role, password_hash, created_at) VALUES (?,?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET role=excluded.role, password_hash=excluded.password_hash",
            (name, role, password_hash, now()),
        )

    # -- tokens ---------------------------------------------------------------------------------
    def add_token(self, user_name: str, token_hash: str) -> int:
        """Store a token's hash; return its id."""
        cur = self._write(
            "INSERT INTO tokens(user_name, token_hash, created_at) VALUES (?,?,?)", (user_name, token_hash, now())
        )
        return int(cur.lastrowid or 0)

    def token_user(self, token_hash: str) -> str | None:
        """Return the user of a live token, or None."""
        row = self.db.execute(
            "SELECT user_name FROM tokens WHERE token_hash=? AND revoked_at IS NULL", (token_hash,)
        ).fetchone()
        return row["user_name"] if row else None

    def revoke_tokens(self, user_name: str) -> int:
        """Revoke every live token of a user; return how many."""
        cur = self._write("UPDATE tokens SET revoked_at=? WHERE user_name=? AND revoked_at IS NULL", (now(), user_name))
        return cur.rowcount

    # -- sessions -------------------------------------------------------------------------------
    def add_session(self, sid: str, user_name: str, csrf: str, expires_at: str) -> None:
        """Store a new session."""
        self._write(
            "INSERT INTO sessions(sid, user_name, csrf, created_at, expires_at) VALUES (?,?,?,?,?)",
            (sid, user_name, csrf, now(), expires_at),
        )

    def session(self, sid: str) -> dict[str, Any] | None:
        """Return a session that has not expired, or None."""
        row = self.db.execute("SELECT * FROM sessions WHERE sid=? AND expires_at>?", (sid, now())).fetchone()
        return dict(row) if row else None

    def end_session(self, sid: str) -> None:
        """Forget a session (log out)."""
        self._write("DELETE FROM sessions WHERE sid=?", (sid,))

    # -- approvals ------------------------------------------------------------------------------
    def request(self, kind: str, ref: str, payload: dict[str, Any], requested_by: str) -> int:
        """Record something awaiting approval; return its id."""
        cur = self._write(
            "INSERT INTO approvals(kind, ref, status, payload, requested_by, requested_at) VALUES (?,?,?,?,?,?)",
            (kind, ref, "requested", json.dumps(payload, ensure_ascii=False, default=str), requested_by, now()),
        )
        return int(cur.lastrowid or 0)

    def approval(self, approval_id: int) -> dict[str, Any] | None:
        """Return one approval record, or None."""
        row = self.db.execute("SELECT * FROM approvals WHERE id=?", (approval_id,)).fetchone()
        return _approval(row) if row else None

    def approvals(self, *, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Return approval records, newest first (those of one status when given)."""
        rows = self.db.execute(
            "SELECT * FROM approvals WHERE (? IS NULL OR status=?) ORDER BY id DESC LIMIT ?", (status, status, limit)
        )
        return [_approval(r) for r in rows]

    def latest_for(self, kind: str, ref: str) -> dict[str, Any] | None:
        """Return the newest approval record of a thing, or None."""
        row = self.db.execute(
            "SELECT * FROM approvals WHERE kind=? AND ref=? ORDER BY id DESC LIMIT 1", (kind, ref)
        ).fetchone()
        return _approval(row) if row else None

    def decide(self, approval_id: int, status: str, by: str, role: str, reason: str) -> bool:
        """Record an approval or refusal once; False when it was decided already."""
        cur = self._write(
            "UPDATE approvals SET status=?, decided_by=?, decided_role=?, decided_at=?, reason=? "
            "WHERE id=? AND status='requested'",
            (status, by, role, now(), reason, approval_id),
        )
        return cur.rowcount == 1

    def requested_changes(self) -> list[dict[str, Any]]:
        """Return the ledger's changes (换房, 退房, 更名, price) still awaiting approval."""
        rows = self.db.execute("SELECT * FROM changes WHERE status='requested' ORDER BY date, no")
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

    def recent_files(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Return the latest files the inbox decided on, newest first."""
        rows = self.db.execute(
            "SELECT id, name, outcome, document, deal_no, unit, reasons, decided_at, state FROM files "
            "WHERE outcome IS NOT NULL ORDER BY id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [{**dict(r), "reasons": json.loads(r["reasons"]) if r["reasons"] else []} for r in rows]

    def board_version(self) -> int:
        """Return a number that grows whenever a unit moves (the board polls it)."""
        row = self.db.execute("SELECT COALESCE(MAX(id), 0) AS v FROM unit_events").fetchone()
        return int(row["v"])


def _approval(row: sqlite3.Row) -> dict[str, Any]:
    return {**dict(row), "payload": json.loads(row["payload"])}
