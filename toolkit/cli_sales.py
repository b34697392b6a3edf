"""The sales-control commands of `loupan`: unit, deal, change, money, report, board."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from toolkit import api
from toolkit.errors import UsageError


def sales_commands(sub) -> None:
    """Add the sales-control commands to the parser."""
    unit = sub.add_parser("unit", help="a unit: show it, hold or release it (销控), approve its new price")
    actions = unit.add_subparsers(metavar="ACTION")
    show = actions.add_parser("show", help="status, price, deal, documents and history of a unit")
    show.add_argument("code")
    show.add_argument("--project", type=Path, required=True)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_unit_show)
    for name, helptext in (
        ("hold", "hold a free unit back from sale (销控)"),
        ("release", "release a held unit"),
        ("reprice", "价格审核: a unit back from a refund or room change may be sold again"),
    ):
        a = actions.add_parser(name, help=helptext)
        a.add_argument("code")
        a.add_argument("--project", type=Path, required=True)
        a.add_argument("--by", required=True, help="the approver (on the staff roster)")
        a.set_defaults(func=_unit_action, action=name)
    deal = sub.add_parser("deal", help="record a signed 认购 or contract in the ledger")
    deals = deal.add_subparsers(metavar="ACTION")
    sb = deals.add_parser("subscribe", help="record a signed 认购 (the deal file)")
    sb.add_argument("--deal", type=Path, required=True)
    sb.add_argument("--project", type=Path, required=True)
    sb.set_defaults(func=_deal_subscribe)
    sg = deals.add_parser("sign", help="record the contract of a subscribed deal")
    sg.add_argument("deal_no")
    sg.add_argument("--project", type=Path, required=True)
    sg.set_defaults(func=_deal_sign)
    _change_commands(sub)
    _money_commands(sub)
    rep = sub.add_parser("report", help="reports").add_subparsers(metavar="REPORT")
    __import__("toolkit.cli_reports").cli_reports.add_commands(rep)
    daily = rep.add_parser("daily", help="the daily sales and cash report (XLSX and PDF)")
    daily.add_argument("--project", type=Path, required=True)
    daily.add_argument("--date", required=True, help="YYYY-MM-DD")
    daily.add_argument("--out", type=Path, default=Path("output"))
    daily.set_defaults(func=_report_daily)
    brd = sub.add_parser("board", help="the 销控表: every unit by building and floor (HTML and PNG)")
    brd.add_argument("--project", type=Path, required=True)
    brd.add_argument("--out", type=Path, default=Path("output"))
    brd.set_defaults(func=_board)


def _change_commands(sub) -> None:
    ch = sub.add_parser("change", help="换房 (room), 退房 (refund), 更名 (rename), 价格变更 (price), approve")
    kinds = ch.add_subparsers(metavar="KIND")
    for kind, helptext in (
        ("room", "换房: --deal is the deal file with the new unit"),
        ("refund", "退房: --deal-no and --reason-code"),
        ("rename", "更名: --deal is the deal file with the new buyers, --relationship"),
        ("price", "价格/付款方式变更: --deal is the deal file with the new terms"),
    ):
        c = kinds.add_parser(kind, help=helptext)
        c.add_argument("--project", type=Path, required=True)
        if kind == "refund":
            c.add_argument("--deal-no", required=True)
            c.add_argument(
                "--reason-code",
                required=True,
                help="买受人原因 | 出卖人原因 | 双方均无过错 | 贷款未获批准（非双方原因）",
            )
            c.add_argument("--payee", default="", help="the original payer who gets the money back")
            c.add_argument("--account", default="", help="the payee's bank account")
        else:
            c.add_argument("--deal", type=Path, required=True)
        if kind == "rename":
            c.add_argument("--relationship", default="", help="配偶 | 父母 | 子女 …")
        c.add_argument("--reason", default="")
        c.add_argument("--requested-by", default="")
        c.add_argument("--approved-by", help="approve at once (else the change waits, and its unit is locked)")
        c.add_argument("--approval-no", default="")
        c.add_argument("--date", help="YYYY-MM-DD (default today)")
        c.add_argument("--out", type=Path, default=Path("output"), help="where the change form is written")
        c.set_defaults(func=_change, kind=kind)
    ap = kinds.add_parser("approve", help="approve a requested change")
    ap.add_argument("no")
    ap.add_argument("--project", type=Path, required=True)
    ap.add_argument("--by", required=True)
    ap.add_argument("--approval-no", default="")
    ap.add_argument("--out", type=Path, default=Path("output"))
    ap.set_defaults(func=_change_approve)


def _money_commands(sub) -> None:
    money = sub.add_parser("money", help="receipts, imports and bank deposits").add_subparsers(metavar="ACTION")
    r = money.add_parser("receipt", help="record a receipt")
    for name in ("no", "date", "payer", "unit", "kind", "amount", "channel", "account"):
        r.add_argument(f"--{name}", required=True)
    r.add_argument("--cashier", default="")
    r.add_argument("--project", type=Path, required=True)
    r.set_defaults(func=_money_receipt)
    imp = money.add_parser("import", help="import receipts from an XLSX sheet")
    imp.add_argument("file", type=Path)
    imp.add_argument("--project", type=Path, required=True)
    imp.set_defaults(func=_money_import)
    dep = money.add_parser("deposit", help="record a cash deposit (现金存款) or a bank credit (银行入账)")
    for name in ("date", "kind", "amount", "account"):
        dep.add_argument(f"--{name}", required=True)
    dep.add_argument("--reference", default="")
    dep.add_argument("--project", type=Path, required=True)
    dep.set_defaults(func=_money_deposit)


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date: expected a date such as 2026-11-20, found {text!r}") from None


def _refused(call) -> int:
    from toolkit.ledger.sales import Refused

    try:
        call()
    except Refused as exc:
        print(f"refused: {exc.rule}: {exc.message}", file=sys.stderr)
        return 1
    return 0


def _unit_show(args: argparse.Namespace) -> int:
    data = api.unit_show(api.open_project(args.project), args.code)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    flags = (f"（{data['pending']}审批中）" if data["pending"] else "") + (
        "（待价格审核）" if data["needs_pricing"] else ""
    )
    print(f"{data['code']}: {data['status']}{flags}; 标价总价 {data['price']['list_total']}")
    if data["deal"]:
        d = data["deal"]
        print(f"  deal {d['deal_no']} ({d['status']}): {', '.join(b['name'] for b in d['buyers'])}; total {d['total']}")
    for doc in data["documents"]:
        print(f"  document #{doc['id']} {doc['document']} {doc['outcome']}: {doc['filed_as']}")
    for e in data["history"]:
        print(f"  {e['at']} {e['status']} {e['deal_no'] or ''}")
    return 0


def _unit_action(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    return _refused(lambda: api.unit_action(ws, args.action, args.code, approved_by=args.by))


def _deal_subscribe(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    return _refused(lambda: api.deal_subscribe(ws, args.deal))


def _deal_sign(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    return _refused(lambda: api.deal_sign(ws, args.deal_no))


def _change(args: argparse.Namespace) -> int:
    import datetime as dt

    ws = api.open_project(args.project)
    options = {
        "reason": args.reason,
        "requested_by": args.requested_by,
        "approved_by": args.approved_by,
        "approval_no": args.approval_no,
        "date": _date(args.date) if args.date else dt.date.today(),
    }
    if args.kind == "refund":
        options.update(deal_no=args.deal_no, reason_code=args.reason_code, payee=args.payee, account=args.account)
    else:
        options["deal_file"] = args.deal
    if args.kind == "rename":
        options["relationship"] = args.relationship

    return _refused(lambda: _print_change(*api.change(ws, args.kind, out=args.out, **options)))


def _change_approve(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    return _refused(
        lambda: _print_change(
            *api.change_approve(ws, args.no, approved_by=args.by, approval_no=args.approval_no, out=args.out)
        )
    )


def _print_change(result, form) -> None:
    print(f"{result.no}: {result.kind} {result.status}")
    for key in ("refund", "forfeited", "deposit_outcome", "carried_over", "new_total", "difference"):
        if key in result.figures:
            print(f"  {key}: {result.figures[key]}")
    if form:
        print(f"wrote {form.docx}")


def _money_receipt(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    fields = {
        k: getattr(args, k) for k in ("no", "date", "payer", "unit", "kind", "amount", "channel", "account", "cashier")
    }
    return _refused(lambda: print(f"recorded {api.money_receipt(ws, **fields)['no']}"))


def _money_import(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    done, findings = api.money_import(ws, args.file)
    for f in findings:
        print("  " + f.line())
    print(f"imported {done} receipt(s), refused {len(findings)}")
    return 1 if findings else 0


def _money_deposit(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    api.money_deposit(
        ws,
        date=_date(args.date).isoformat(),
        kind=args.kind,
        amount=args.amount,
        account=args.account,
        reference=args.reference,
    )
    return 0


def _report_daily(args: argparse.Namespace) -> int:
    d, files = api.report_daily(api.open_project(args.project), date=_date(args.date).isoformat(), out=args.out)
    for name, v in d.sales.items():
        print(f"{name}: {v['count']} 笔 {v['amount']}")
    for f in d.findings:
        print("  " + f.line())
    for path in files:
        print(f"wrote {path}")
    return 1 if d.findings else 0


def _board(args: argparse.Namespace) -> int:
    for path in api.board(api.open_project(args.project), out=args.out):
        print(f"wrote {path}")
    return 0
