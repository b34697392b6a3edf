"""`loupan serve` (the web page) and `loupan user ...` (its logins and API tokens)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from toolkit.cli import options as o

LOCAL = ("127.0.0.1", "localhost", "::1")


def add_commands(sub: Any) -> None:
    """Add serve and user add, passwd, token, revoke, list."""
    s = o.command(sub, "serve", "the web page of the sales office (upload, 销控表, deals, approvals, reports)", _serve)
    o.project(s)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    s.add_argument("--filed", type=Path, help="the filed tree uploads are filed in (default: PROJECT/filed)")
    users = o.group(sub, "user", "the web page's users (people of the staff roster) and their API tokens")
    add = o.command(users, "add", "add a user of the staff roster, the password read from stdin", _user_add)
    add.add_argument("name", help="the person's name on the staff roster (project.yaml staff)")
    add.add_argument("--role", required=True, help="the person's role on the roster, e.g. 案场经理")
    _password_stdin(add)
    o.project(add)
    pw = o.command(users, "passwd", "change a user's password (read from stdin)", _user_passwd)
    pw.add_argument("name", help="the user")
    _password_stdin(pw)
    o.project(pw)
    for name, helptext, func in (
        ("token", "print a new API token for scripts (Authorization: Bearer TOKEN)", _user_token),
        ("revoke", "revoke every API token of a user", _user_revoke),
    ):
        t = o.command(users, name, helptext, func)
        t.add_argument("name", help="the user")
        o.project(t)
    ls = o.command(users, "list", "list the users and their roles", _user_list)
    o.project(ls)


def _password_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true", required=True, help="read the password from stdin")


def _password() -> str:
    return sys.stdin.readline()


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from toolkit.web.app import create_app

    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731  (masked by the pipeline)
    app = create_app(args.project, filed=args.filed, secure=args.host not in LOCAL, log=log, db=args.ledger_url)
    print(f"loupan: http://{args.host}:{args.port}/ （按 Ctrl-C 停止）", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=False)
    return 0


def _user_add(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.api import accounts

    user = accounts.user_add(api.open_project(args.project), args.name, args.role, _password())
    print(f"已添加用户 {user.name}（{user.role}）")
    return 0


def _user_passwd(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.api import accounts

    accounts.user_passwd(api.open_project(args.project), args.name, _password())
    print(f"已更改 {args.name} 的密码")
    return 0


def _user_token(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.api import accounts

    print(accounts.user_token(api.open_project(args.project), args.name))
    return 0


def _user_revoke(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.api import accounts

    print(f"已吊销 {args.name} 的 {accounts.user_revoke(api.open_project(args.project), args.name)} 个令牌")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.api import accounts

    for u in accounts.users(api.open_project(args.project)):
        print(f"{u['name']}\t{u['role']}\t{u['created_at']}")
    return 0
