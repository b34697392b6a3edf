"""`loupan unit ...` and `loupan deal ...`: a unit's state, 销控 and 价格审核; 认购 and 签约 in the ledger."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add unit show, hold, release, reprice and deal subscribe, sign, file."""
    actions = o.group(sub, "unit", "a unit: show it, hold or release it (销控), approve its new price")
    show = o.command(actions, "show", "status, price, deal, documents and history of a unit", _unit_show)
    show.add_argument("code", help="the unit's code in the price list, e.g. 1-1801")
    o.project(show)
    o.as_json(show)
    for name, helptext in (
        ("hold", "hold a free unit back from sale (销控)"),
        ("release", "release a held unit"),
        ("reprice", "价格审核: a unit back from a refund or room change may be sold again"),
    ):
        a = o.command(actions, name, helptext, _unit_action, action=name)
        a.add_argument("code", help="the unit's code in the price list")
        o.project(a)
        a.add_argument("--by", required=True, help="the approver (on the staff roster)")
    deals = o.group(sub, "deal", "record a signed 认购 or contract in the ledger")
    sb = o.command(deals, "subscribe", "record a signed 认购 (the deal file)", _deal_subscribe)
    sb.add_argument("--deal", type=Path, required=True, help="the deal file of the signed 认购书")
    o.project(sb)
    sg = o.command(deals, "sign", "record the contract of a subscribed deal", _deal_sign)
    sg.add_argument("deal_no", help="the deal number, e.g. CHY-2026-0001")
    o.project(sg)
    fl = o.command(deals, "file", "record the 备案 of a signed contract (within 30 days of signing)", _deal_file)
    fl.add_argument("deal_no", help="the deal number, e.g. CHY-2026-0001")
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
