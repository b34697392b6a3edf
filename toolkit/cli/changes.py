"""`loupan change ...`: 换房, 退房, 更名, 价格变更, and the approval of a requested change."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from toolkit.cli import options as o

KINDS = (
    ("room", "换房：--deal 为含新房号的成交文件"),
    ("refund", "退房：需 --deal-no 和 --reason-code"),
    ("rename", "更名：--deal 为含新买受人的成交文件，另给 --relationship"),
    ("price", "价格/付款方式变更：--deal 为含新条件的成交文件"),
)


def add_commands(sub: Any) -> None:
    """Add change room, refund, rename, price and approve."""
    kinds = o.group(
        sub, "change", "换房（room）、退房（refund）、更名（rename）、价格变更（price）、审批（approve）", "KIND"
    )
    for kind, helptext in KINDS:
        c = o.command(kinds, kind, helptext, _change, kind=kind)
        o.project(c)
        _what(c, kind)
        c.add_argument("--reason", default="", help="买受人申请变更的原因（印在变更单上）")
        c.add_argument("--requested-by", default="", help="受理人")
        c.add_argument("--approved-by", help="审批人：给出即当即审批（否则变更待审批，房号锁定）")
        c.add_argument("--approval-no", default="", help="审批文号")
        c.add_argument("--date", help="YYYY-MM-DD（默认今天）")
        o.out(c, "变更单的输出文件夹（默认：output/）")
    ap = o.command(kinds, "approve", "审批待批的变更", _change_approve)
    ap.add_argument("no", help="变更编号，如 CHY-2026-0003-TF1")
    o.project(ap)
    ap.add_argument("--by", required=True, help="审批人（须在员工名册中）")
    ap.add_argument("--approval-no", default="", help="审批文号")
    o.out(ap, "变更单的输出文件夹（默认：output/）")


def _what(c: argparse.ArgumentParser, kind: str) -> None:
    if kind == "refund":
        c.add_argument("--deal-no", required=True, help="退房的成交编号")
        c.add_argument(
            "--reason-code",
            required=True,
            help="买受人原因 | 出卖人原因 | 双方均无过错 | 贷款未获批准（非双方原因） | 面积误差超出约定（买受人解除合同）",
        )
        c.add_argument("--payee", default="", help="退款收款人（原付款人）")
        c.add_argument("--account", default="", help="收款人的银行账号")
        c.add_argument("--loan-to", default="", help="贷款部分退回的贷款银行（已放款时）")
        c.add_argument("--unfiled-on", help="YYYY-MM-DD：已备案合同的撤销备案日期（合同已备案时必填）")
        c.add_argument("--unfiling-no", default="", help="撤销备案的文号")
    else:
        c.add_argument("--deal", type=Path, required=True, help="变更后的成交文件")
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
