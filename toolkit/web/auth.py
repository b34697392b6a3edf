"""Who is asking: the session cookie (signed, HttpOnly, SameSite=Strict), Bearer tokens, CSRF, roles, rate limit.

A session is a random id kept in the ledger; the cookie carries the id and its HMAC, so a forged or altered
cookie is refused before the ledger is asked. A cookie call that changes something must carry the session's
CSRF token (form field `csrf` or header `X-CSRF-Token`); a Bearer token call carries no cookie and needs none.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from toolkit.api import accounts as acc

COOKIE = "loupan_session"
MANAGERS = ("案场经理", "销售经理", "销售总监", "总经理")
SALES = ("置业顾问", *MANAGERS)
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view": (*SALES, "出纳", "法务"),  # the board, units, the inbox list
    "upload": SALES,
    "deal": SALES,
    "approve": SALES,  # how far each may go is the policy's authority table
    "daily": (*MANAGERS, "出纳"),
    "legal": ("销售总监", "总经理", "法务"),
    "personal": MANAGERS,  # full ID and phone numbers of every buyer
}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
LOGIN_TRIES, LOGIN_WINDOW = 5, 300.0


@dataclass(frozen=True)
class Caller:
    """The user behind a request, how they came (session or token) and the session's CSRF token."""

    user: acc.User
    via: str
    csrf: str = ""

    def may(self, permission: str) -> bool:
        """Say whether the user's role has a permission."""
        return self.user.role in PERMISSIONS[permission]


def secret_key(project_dir: Path) -> bytes:
    """Return the server's signing key, made once and kept beside the ledger (readable by its owner only)."""
    path = Path(project_dir) / ".loupan" / "web-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w") as out:
        out.write(key.hex())
    return key


def sign(key: bytes, sid: str) -> str:
    """Return the cookie value of a session id."""
    return sid + "." + hmac.new(key, sid.encode(), hashlib.sha256).hexdigest()


def unsign(key: bytes, value: str) -> str | None:
    """Return the session id of an untampered cookie value, else None."""
    sid, _, mac = value.rpartition(".")
    good = hmac.new(key, sid.encode(), hashlib.sha256).hexdigest()
    return sid if sid and hmac.compare_digest(mac, good) else None


def caller(request: Request) -> Caller | None:
    """Find the caller of a request: a Bearer token on /api/, else the session cookie."""
    ws, key = request.app.state.ws, request.app.state.key
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and request.url.path.startswith("/api/"):
        user = acc.token_user(ws, header[7:].strip())
        return Caller(user, "token") if user else None
    sid = unsign(key, request.cookies.get(COOKIE, ""))
    found = acc.session_user(ws, sid) if sid else None
    return Caller(found[0], "session", found[1]) if found else None


async def csrf_ok(request: Request, who: Caller) -> bool:
    """Say whether a state-changing cookie request carries the session's CSRF token."""
    if who.via == "token" or request.method not in UNSAFE:
        return True
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(("multipart/", "application/x-www-form")):
        sent = str((await request.form(max_part_size=1024 * 1024)).get("csrf", ""))
    return bool(sent) and hmac.compare_digest(sent, who.csrf)


def jsonify(data: Any, status: int = 200) -> Response:
    """Answer JSON, writing dates, decimals and the like as text."""
    body = json.dumps(data, ensure_ascii=False, default=str)
    return Response(body, status_code=status, media_type="application/json")


def refuse(request: Request, status: int, message: str) -> Response:
    """Answer a refused request: JSON under /api/, a page otherwise."""
    return refuse_with(request, status, message, [])


def refuse_with(request: Request, status: int, message: str, findings: list[dict[str, Any]]) -> Response:
    """Answer a refused request with the findings that refused it."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message, "status": status, "findings": findings}, status_code=status)
    context = {"status": status, "message": message, "findings": findings}
    return request.app.state.render(request, "error.html", context, status=status)


Handler = Callable[[Request, Caller], Awaitable[Response]]


def guarded(permission: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a route: a caller (401 or to the login page), the CSRF token (403) and the role's permission (403)."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def route(request: Request) -> Response:
            try:
                return await _checked(request, handler, permission)
            finally:
                await request.close()  # the spooled files of a multipart form

        return route

    return wrap


async def _checked(request: Request, handler: Handler, permission: str) -> Response:
    """Run a handler for a known caller with the CSRF token and the permission it needs."""
    who = await run_in_threadpool(caller, request)
    if who is None:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "未登录或令牌无效", "status": 401}, status_code=401)
        return RedirectResponse("/login?next=" + request.url.path, status_code=303)
    if not await csrf_ok(request, who):
        return refuse(request, 403, "缺少或错误的 CSRF 令牌：请刷新页面后重试")
    if not who.may(permission):
        return refuse(request, 403, f"{who.user.role}无权访问此页面")
    request.state.caller = who
    return await handler(request, who)


class LoginLimit:
    """At most LOGIN_TRIES failed logins per address and name in LOGIN_WINDOW seconds."""

    def __init__(self, tries: int = LOGIN_TRIES, window: float = LOGIN_WINDOW, clock=time.monotonic):
        self.tries, self.window, self.clock = tries, window, clock
        self.failed: dict[Any, deque] = defaultdict(deque)

    def blocked(self, key: Any) -> bool:
        """Say whether a key has used up its tries."""
        q = self.failed[key]
        while q and q[0] < self.clock() - self.window:
            q.popleft()
        return len(q) >= self.tries

    def fail(self, key: Any) -> None:
        """Count a failed login."""
        self.failed[key].append(self.clock())
