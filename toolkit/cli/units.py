"""`loupan unit ...` and `loupan deal ...`: a unit's state, 销控 and 价格审核; 认购 and 签约 in the ledger."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add unit show, hold, release, reprice and deal subscribe, sign, file."""
    actions = o.group(sub, "unit", "房号：查看、销控或解控、审核新价格")
    show = o.command(actions, "show", "房号的状态、价格、成交、文件和历史", _unit_show)
    show.add_argument("code", help="价目表中的房号，如 1-1801")
    o.project(show)
    o.as_json(show)
    for name, helptext in (
        ("hold", "将可售房号暂停销售（销控）"),
        ("release", "解除房号的销控"),
        ("reprice", "价格审核：退房或换房后空出的房号可重新销售"),
    ):
        a = o.command(actions, name, helptext, _unit_action, action=name)
        a.add_argument("code", help="价目表中的房号")
        o.project(a)
        a.add_argument("--by", required=True, help="审批人（须在员工名册中）")
    deals = o.group(sub, "deal", "在台账中登记已签的认购或合同")
    sb = o.command(deals, "subscribe", "登记已签认购（按成交文件）", _deal_subscribe)
    sb.add_argument("--deal", type=Path, required=True, help="已签认购书的成交文件")
    o.project(sb)
    sg = o.command(deals, "sign", "登记已认购成交的合同签约", _deal_sign)
    sg.add_argument("deal_no", help="成交编号，如 CHY-2026-0001")
    o.project(sg)
    fl = o.command(deals, "file", "登记已签合同的备案（签约后 30 日内）", _deal_file)
    fl.add_argument("deal_no", help="成交编号，如 CHY-2026-0001")
    o.project(fl)


def _unit_show(args: argparse.Namespace) -> int:
    from toolkit import api

    u = api.unit_show(api.open_project(args.project), args.code)
    if args.json:
        o.print_json(u)
        return 0
    flags = (f"（{u.pending}审批中）" if u.pending else "") + ("（待价格审核）" if u.needs_pricing else "")
    print(f"{u.code}: {u.status}{flags}; 标价总价 {u.price.list_total}")
    if u.deal:
        d = u.deal
        print(
            f"  成交 {d['deal_no']}（{d['status']}）：{'、'.join(b['name'] for b in d['buyers'])}；成交总价 {d['total']}"
        )
    for doc in u.documents:
        print(
            f"  文件 #{doc['id']} {doc['document']} {api.FILE_OUTCOMES.get(doc['outcome'], doc['outcome'])}：{doc['filed_as']}"
        )
    for e in u.history:
        print(f"  {e['at']} {e['status']} {e['deal_no'] or ''}")
    return 0


def _unit_action(args: argparse.Namespace) -> int:
    from toolkit import api

    api.unit_action(api.open_project(args.project), args.action, args.code, approved_by=args.by)
    return 0


def _deal_subscribe(args: argparse.Namespace) -> int:
    from toolkit import api

    api.deal_subscribe(api.open_project(args.project), args.deal)
    return 0


def _deal_sign(args: argparse.Namespace) -> int:
    from toolkit import api

    api.deal_sign(api.open_project(args.project), args.deal_no)
    return 0


def _deal_file(args: argparse.Namespace) -> int:
    from toolkit import api

    api.deal_file(api.open_project(args.project), args.deal_no)
    return 0
