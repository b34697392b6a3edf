"""`loupan notice ...`: the notices the contract requires (设计变更, 交付, 逾期催告), their service and answers."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add notice design-change, delivery, overdue, sent, answer and history."""
    actions = o.group(sub, "notice", "notices to buyers: design change, delivery, overdue instalment")
    dc = o.command(actions, "design-change", "a design-change notice to every buyer the change affects", _design)
    o.project(dc)
    dc.add_argument("--change", type=Path, required=True, help="the change record (YAML: what, units, approved)")
    dc.add_argument("--date", help="the notice's date (default: today)")
    o.out(dc)
    dc.add_argument("--pdf", action="store_true", help="also write each notice as PDF (LibreOffice)")
    dl = o.command(actions, "delivery", "the delivery notice to the buyers of contracted deals", _delivery)
    o.project(dl)
    dl.add_argument("--date", required=True, help="the notice's date")
    dl.add_argument("--start", required=True, help="first day of the handover")
    dl.add_argument("--end", required=True, help="last day of the handover")
    dl.add_argument("--place", required=True, help="where the handover takes place")
    dl.add_argument("--deal-no", help="one deal only (default: every contracted deal)")
    o.out(dl)
    dl.add_argument("--pdf", action="store_true", help="also write each notice as PDF (LibreOffice)")
    od = o.command(actions, "overdue", "the reminder of an overdue instalment, with the late payment", _overdue)
    od.add_argument("deal_no", help="the deal number")
    o.project(od)
    od.add_argument("--item", required=True, help="the instalment's receipt kind, e.g. 首付款")
    od.add_argument("--due", required=True, help="the day it was due")
    od.add_argument("--amount", required=True, help="the amount due, in yuan")
    od.add_argument("--date", required=True, help="the reminder's date (late payment counted up to it)")
    o.out(od)
    od.add_argument("--pdf", action="store_true", help="also write each notice as PDF (LibreOffice)")
    st = o.command(actions, "sent", "record the day a notice was served on the buyer", _sent)
    st.add_argument("no", help="the notice number, e.g. CHY-2026-0001-BG1")
    o.project(st)
    st.add_argument("--date", required=True, help="the day of service")
    an = o.command(actions, "answer", "record the buyer's answer; 解除 starts the refund", _answer)
    an.add_argument("no", help="the notice number")
    o.project(an)
    an.add_argument("--answer", required=True, choices=("接受", "解除"), help="接受 (accept) or 解除 (rescind)")
    an.add_argument("--date", required=True, help="the day the written answer arrived")
    an.add_argument("--approved-by", help="approve the refund at once (else it is recorded as requested)")
    an.add_argument("--unfiled-on", help="YYYY-MM-DD: the 撤销备案 of a filed contract (needed once it is 已备案)")
    an.add_argument("--unfiling-no", default="", help="the reference of the 撤销备案")
    hi = o.command(actions, "history", "a deal's history: unit moves, changes and notices", _history)
    hi.add_argument("deal_no", help="the deal number")
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
