"""`loupan notice ...`: the notices the contract requires (设计变更, 交付, 逾期催告), their service and answers."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add notice design-change, delivery, overdue, sent, answer and history."""
    actions = o.group(sub, "notice", "致买受人的通知：设计变更、交付、逾期付款催告")
    dc = o.command(actions, "design-change", "向受变更影响的每位买受人发出设计变更通知", _design)
    o.project(dc)
    dc.add_argument("--change", type=Path, required=True, help="变更记录（YAML：what、units、approved）")
    dc.add_argument("--date", help="通知日期（默认：今天）")
    o.out(dc)
    dc.add_argument("--pdf", action="store_true", help="同时将每份通知写出为 PDF（LibreOffice）")
    dl = o.command(actions, "delivery", "向已签约成交的买受人发出交付通知", _delivery)
    o.project(dl)
    dl.add_argument("--date", required=True, help="通知日期")
    dl.add_argument("--start", required=True, help="交房首日")
    dl.add_argument("--end", required=True, help="交房末日")
    dl.add_argument("--place", required=True, help="交房地点")
    dl.add_argument("--deal-no", help="只发给这一成交（默认：全部已签约成交）")
    o.out(dl)
    dl.add_argument("--pdf", action="store_true", help="同时将每份通知写出为 PDF（LibreOffice）")
    od = o.command(actions, "overdue", "逾期付款催告（含逾期违约金）", _overdue)
    od.add_argument("deal_no", help="成交编号")
    o.project(od)
    od.add_argument("--item", required=True, help="该期款项的收款类别，如首付款")
    od.add_argument("--due", required=True, help="应付日期")
    od.add_argument("--amount", required=True, help="应付金额（元）")
    od.add_argument("--date", required=True, help="催告日期（违约金计算至该日）")
    o.out(od)
    od.add_argument("--pdf", action="store_true", help="同时将每份通知写出为 PDF（LibreOffice）")
    st = o.command(actions, "sent", "登记通知送达买受人的日期", _sent)
    st.add_argument("no", help="通知编号，如 CHY-2026-0001-BG1")
    o.project(st)
    st.add_argument("--date", required=True, help="送达日期")
    an = o.command(actions, "answer", "登记买受人的答复；解除即启动退房", _answer)
    an.add_argument("no", help="通知编号")
    o.project(an)
    an.add_argument("--answer", required=True, choices=("接受", "解除"), help="接受或解除（合同）")
    an.add_argument("--date", required=True, help="书面答复送达日期")
    an.add_argument("--approved-by", help="审批人：给出即当即审批退房（否则记为待审批）")
    an.add_argument("--unfiled-on", help="YYYY-MM-DD：已备案合同的撤销备案日期（合同已备案时必填）")
    an.add_argument("--unfiling-no", default="", help="撤销备案的文号")
    hi = o.command(actions, "history", "成交的历史：房号变动、变更和通知", _history)
    hi.add_argument("deal_no", help="成交编号")
    o.project(hi)


def _print(done: Any, args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.findings import has_errors

    if args.pdf:
        api.notices_to_pdf(done, args.out)

    for no, deal_no, doc in done.notices:
        print(f"{no}（{deal_no}）：已写出 {doc.docx}" + (f" 和 {doc.pdf.name}" if doc.pdf else ""))
    for no in done.already:
        print(f"{no}：此项变更已发出过通知，不再重复发出")
    for f in done.findings:
        print(f.line())
    return 1 if has_errors(done.findings) else 0


def _design(args: argparse.Namespace) -> int:
    from toolkit import api

    day = o.date(args.date) if args.date else None
    return _print(api.notice_design_change(api.open_project(args.project), args.change, args.out, issued=day), args)


def _delivery(args: argparse.Namespace) -> int:
    from toolkit import api

    ws = api.open_project(args.project)
    done = api.notice_delivery(ws, args.out, issued=o.date(args.date), start=o.date(args.start, "--start"),
                               end=o.date(args.end, "--end"), place=args.place, deal_no=args.deal_no)  # fmt: skip
    return _print(done, args)


def _overdue(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.errors import UsageError

    try:
        amount = Decimal(args.amount.replace(",", ""))
    except InvalidOperation:
        raise UsageError(f"--amount：应为金额（元），实际为 {args.amount!r}") from None
    done = api.notice_overdue(api.open_project(args.project), args.deal_no, args.out, item=args.item,
                              due=o.date(args.due, "--due"), amount=amount, on=o.date(args.date))  # fmt: skip
    return _print(done, args)


def _sent(args: argparse.Namespace) -> int:
    from toolkit import api

    n = api.notice_sent(api.open_project(args.project), args.no, o.date(args.date))
    print(f"{n['no']}: 送达 {n['sent']}")
    return 0


def _answer(args: argparse.Namespace) -> int:
    from toolkit import api

    unfiled = o.date(args.unfiled_on, "--unfiled-on") if args.unfiled_on else None
    result = api.notice_answer(api.open_project(args.project), args.no, args.answer, o.date(args.date),
                               approved_by=args.approved_by, unfiled_on=unfiled, unfiling_no=args.unfiling_no)  # fmt: skip
    print(f"{args.no}: {args.answer}" + (f"; 退房 {result.no} {result.status}" if result else ""))
    return 0


def _history(args: argparse.Namespace) -> int:
    from toolkit import api

    for e in api.deal_history(api.open_project(args.project), args.deal_no):
        print(f"{e['date']} {e['what']} {e['ref']}")
    return 0
