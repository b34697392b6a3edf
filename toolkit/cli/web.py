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
    s = o.command(sub, "serve", "案场网页（上传、销控表、成交、审批、报表）", _serve)
    o.project(s)
    s.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1：仅限本机）")
    s.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")
    s.add_argument("--filed", type=Path, help="上传文件的归档目录（默认：PROJECT/filed）")
    users = o.group(sub, "user", "网页用户（员工名册中的人员）及其 API 令牌")
    add = o.command(users, "add", "添加员工名册中的人员为用户，密码从 stdin 读取", _user_add)
    add.add_argument("name", help="员工名册中的姓名（project.yaml 的 staff）")
    add.add_argument("--role", required=True, help="名册中的岗位，如案场经理")
    _password_stdin(add)
    o.project(add)
    pw = o.command(users, "passwd", "修改用户密码（从 stdin 读取）", _user_passwd)
    pw.add_argument("name", help="用户名")
    _password_stdin(pw)
    o.project(pw)
    for name, helptext, func in (
        ("token", "输出一个供脚本使用的新 API 令牌（Authorization: Bearer TOKEN）", _user_token),
        ("revoke", "吊销用户的全部 API 令牌", _user_revoke),
    ):
        t = o.command(users, name, helptext, func)
        t.add_argument("name", help="用户名")
        o.project(t)
    ls = o.command(users, "list", "列出用户及其岗位", _user_list)
    o.project(ls)


def _password_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true", required=True, help="从 stdin 读取密码")


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
