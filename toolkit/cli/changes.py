"""`loupan change ...`: 换房, 退房, 更名, 价格变更, and the approval of a requested change."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from toolkit.cli import options as o

KINDS = (
    ("room", "换房: --deal is the deal file with the new unit"),
    ("refund", "退房: --deal-no and --reason-code"),
    ("rename", "更名: --deal is the deal file with the new buyers, --relationship"),
    ("price", "价格/付款方式变更: --deal is the deal file with the new terms"),
)


def add_commands(sub: Any) -> None:
    """Add change room, refund, rename, price and approve."""
    kinds = o.group(sub, "change", "换房 (room), 退房 (refund), 更名 (rename), 价格变更 (price), approve", "KIND")
    for kind, helptext in KINDS:
        c = o.command(kinds, kind, helptext, _change, kind=kind)
        o.project(c)
        _what(c, kind)
        c.add_argument("--reason", default="", help="why the buyer asks for the change (printed on the form)")
        c.add_argument("--requested-by", default="", help="who took the request")
        c.add_argument("--approved-by", help="approve at once (else the change waits, and its unit is locked)")
        c.add_argument("--approval-no", default="", help="the approval's reference number")
        c.add_argument("--date", help="YYYY-MM-DD (default today)")
        o.out(c, "where the change form is written (default: output/)")
    ap = o.command(kinds, "approve", "approve a requested change", _change_approve)
    ap.add_argument("no", help="the change number, e.g. CHY-2026-0003-TF1")
    o.project(ap)
    ap.add_argument("--by", required=True, help="the approver (on the staff roster)")
    ap.add_argument("--approval-no", default="", help="the approval's reference number")
    o.out(ap, "where the change form is written (default: output/)")


def _what(c: argparse.ArgumentParser, kind: str) -> None:
    if kind == "refund":
        c.add_argument("--deal-no", required=True, help="the deal refunded")
        c.add_argument(
            "--reason-code",
            required=True,
            help="买受人原因 | 出卖人原因 | 双方均无过错 | 贷款未获批准（非双方原因） | 面积误差超出约定（买受人解除合同）",
        )
        c.add_argument("--payee", default="", help="the original payer who gets the money back")
        c.add_argument("--account", default="", help="the payee's bank account")
        c.add_argument("--loan-to", default="", help="the lender the loan part goes back to (when a loan was paid)")
        c.add_argument("--unfiled-on", help="YYYY-MM-DD: the 撤销备案 of a filed contract (needed once it is 已备案)")
        c.add_argument("--unfiling-no", default="", help="the reference of the 撤销备案")
    else:
        c.add_argument("--deal", type=Path, required=True, help="the deal file as amended")
    if kind == "rename":
        c.add_argument("--relationship", default="", help="配偶 | 父母 | 子女 …")


def _change(args: argparse.Namespace) -> int:
    from toolkit import api

    options: dict[str, Any] = {
        "reason": args.reason,
        "requested_by": args.requested_by,
        "approved_by": args.approved_by,
        "approval_no": args.approval_no,
        "date": o.date(args.date) if args.date else dt.date.today(),
    }
    if args.kind == "refund":
        options.update(
            deal_no=args.deal_no,
            reason_code=args.reason_code,
            payee=args.payee,
            account=args.account,
            loan_to=args.loan_to,
            unfiled_on=o.date(args.unfiled_on, "--unfiled-on") if args.unfiled_on else None,
            unfiling_no=args.unfiling_no,
        )
    else:
        options["deal_file"] = args.deal
    if args.kind == "rename":
        options["relationship"] = args.relationship
    _print_change(api.change(api.open_project(args.project), args.kind, out=args.out, **options))
    return 0


def _change_approve(args: argparse.Namespace) -> int:
    from toolkit import api

    ws = api.open_project(args.project)
    _print_change(api.change_approve(ws, args.no, approved_by=args.by, approval_no=args.approval_no, out=args.out))
    return 0


PRINTED = (
    "refund",
    "forfeited",
    "deposit_outcome",
    "interest",
    "refund_total",
    "carried_over",
    "new_total",
    "difference",
)


STATUS_NAMES = {"requested": "待审批", "executed": "已执行"}


def _print_change(done: Any) -> None:
    from toolkit.api.sales import CHANGE_KINDS
    from toolkit.fields import label

    result = done.result
    print(f"{result.no}：{CHANGE_KINDS.get(result.kind, result.kind)} {STATUS_NAMES.get(result.status, result.status)}")
    for key in PRINTED:
        if key in result.figures:
            print(f"  {label('change.' + key)}：{result.figures[key]}")
    if done.form:
        o.wrote(done.form.docx)
