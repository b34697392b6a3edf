"""The web page's people through the api: users of the staff roster, API tokens, sessions and approvals.

Passwords are hashed with argon2; a token is shown once and kept as its SHA-256. A user must be on the
project's staff roster with the role it has there, so the authority of a login is the roster's.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import hashlib
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from toolkit.errors import UsageError
from toolkit.ledger.db import is_pg, resolve
from toolkit.ledger.store import open_ledger
from toolkit.ledger.users import Accounts
from toolkit.workspace import Workspace

MIN_PASSWORD = 8
SESSION_HOURS = 12


@dataclass(frozen=True)
class User:
    """A person who may log in: their roster name and role."""

    name: str
    role: str


class _Idle:
    """A few open connections to a shared database kept between calls: connecting costs more than the queries.

    Every web request asks for its session, so each call would otherwise open a PostgreSQL connection. At most
    KEEP are kept per database and project; one that no longer answers is closed and replaced.
    """

    KEEP = 4

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kept: dict[tuple[str, str], list[Accounts]] = {}

    def take(self, key: tuple[str, str]) -> Accounts | None:
        with self.lock:
            kept = self.kept.get(key)
            a = kept.pop() if kept else None
        if a is not None and not a.alive():
            a.close()
            return None
        return a

    def give(self, key: tuple[str, str], a: Accounts) -> None:
        with self.lock:
            kept = self.kept.setdefault(key, [])
            if len(kept) < self.KEEP and a.clean():
                kept.append(a)
                return
        a.close()

    def close_all(self) -> None:
        """Close every connection kept (at exit)."""
        with self.lock:
            kept, self.kept = self.kept, {}
        for a in (a for group in kept.values() for a in group):
            a.close()


_IDLE = _Idle()
atexit.register(_IDLE.close_all)


@contextlib.contextmanager
def accounts(ws: Workspace) -> Iterator[Accounts]:
    """Open the web records of the project's ledger where --db or LOUPAN_DB says (closed or kept at the end)."""
    url = resolve(ws.project_dir, ws.ledger_url)
    key = (url, ws.project.code)
    a = (_IDLE.take(key) if is_pg(url) else None) or Accounts(open_ledger(ws.project_dir, url, ws.project.code))
    try:
        yield a
    except BaseException:
        a.close()
        raise
    if a.shared:
        _IDLE.give(key, a)
    else:  # a SQLite file is cheap to open, and may be moved away between calls
        a.close()


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _on_roster(ws: Workspace, name: str, role: str | None = None) -> str:
    """Return the roster role of a person, refusing a name or role the roster does not have."""
    staff = ws.project.staff
    if name not in staff:
        raise UsageError(f"{name}不在项目人员名单（project.yaml staff）中 / {name} is not on the staff roster")
    if role is not None and staff[name] != role:
        raise UsageError(
            f"{name}在人员名单中的岗位是{staff[name]}，不是{role} / the roster gives {name} the role {staff[name]}"
        )
    return staff[name]


def _password(password: str) -> str:
    password = password.rstrip("\r\n")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"密码至少{MIN_PASSWORD}个字符 / the password needs at least {MIN_PASSWORD} characters")
    return password


def user_add(ws: Workspace, name: str, role: str, password: str) -> User:
    """Add (or re-add) a user of the staff roster with a password."""
    role = _on_roster(ws, name, role)
    with accounts(ws) as a:
        a.save_user(name, role, _hasher().hash(_password(password)))
    return User(name, role)


def user_passwd(ws: Workspace, name: str, password: str) -> User:
    """Change a user's password."""
    with accounts(ws) as a:
        row = a.user(name)
        if row is None:
            raise UsageError(f"没有用户{name}：先用 loupan user add 添加 / no user {name}")
        a.save_user(name, row["role"], _hasher().hash(_password(password)))
    return User(name, row["role"])


def user_token(ws: Workspace, name: str) -> str:
    """Make an API token for a user and return it (only its hash is kept)."""
    token = "lp_" + secrets.token_urlsafe(32)
    with accounts(ws) as a:
        if a.user(name) is None:
            raise UsageError(f"没有用户{name}：先用 loupan user add 添加 / no user {name}")
        a.add_token(name, _token_hash(token))
    return token


def user_revoke(ws: Workspace, name: str) -> int:
    """Revoke every API token of a user; return how many were live."""
    with accounts(ws) as a:
        return a.revoke_tokens(name)


def users(ws: Workspace) -> list[dict[str, Any]]:
    """List the users (names, roles, when added)."""
    with accounts(ws) as a:
        return a.users()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _current(ws: Workspace, row: dict[str, Any] | None) -> User | None:
    """Return the user when they are still on the roster with the same role (a roster change ends a login)."""
    if row is None or ws.project.staff.get(row["name"]) != row["role"]:
        return None
    return User(row["name"], row["role"])


def authenticate(ws: Workspace, name: str, password: str) -> User | None:
    """Return the user when the password is theirs, else None (the same work either way)."""
    from argon2.exceptions import VerificationError

    with accounts(ws) as a:
        row = a.user(name)
    hasher = _hasher()
    try:
        hasher.verify(row["password_hash"] if row else _DUMMY.get(hasher), password)
    except (VerificationError, ValueError):
        return None
    return _current(ws, row)


class _Dummy:
    """A hash to verify against when the user does not exist, so both cases take as long."""

    value = ""

    def get(self, hasher) -> str:
        if not self.value:
            self.value = hasher.hash(secrets.token_hex(8))
        return self.value


_DUMMY = _Dummy()


def token_user(ws: Workspace, token: str) -> User | None:
    """Return the user of a live API token, or None."""
    with accounts(ws) as a:
        name = a.token_user(_token_hash(token))
        return _current(ws, a.user(name)) if name else None


def session_start(ws: Workspace, user: User) -> tuple[str, str]:
    """Open a session for a user; return its id and its CSRF token."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=SESSION_HOURS)
    with accounts(ws) as a:
        a.add_session(sid, user.name, csrf, expires.isoformat(timespec="milliseconds"))
    return sid, csrf


def session_user(ws: Workspace, sid: str) -> tuple[User, str] | None:
    """Return the user and CSRF token of a live session, or None."""
    with accounts(ws) as a:
        s = a.session(sid)
        user = _current(ws, a.user(s["user_name"])) if s else None
    return (user, s["csrf"]) if user and s else None


def session_end(ws: Workspace, sid: str) -> None:
    """End a session (log out)."""
    with accounts(ws) as a:
        a.end_session(sid)
