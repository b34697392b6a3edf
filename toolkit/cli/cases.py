"""`loupan case ...` and `loupan duty ...`: the register of customer cases, and the day's duty sheet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add case open, answer, list and duty sheet."""
    actions = o.group(sub, "case", "客户个案：咨询、投诉、争议")
    op = o.command(actions, "open", "登记个案；答复期限按制度确定", _open)
    o.project(op)
    op.add_argument("--kind", required=True, help="咨询、投诉或争议")
    op.add_argument("--who", required=True, help="客户姓名")
    op.add_argument("--what", required=True, help="客户咨询或投诉的内容")
    op.add_argument("--received", required=True, help="受理日期")
    op.add_argument("--handler", required=True, help="承办人（须在员工名册中）")
    op.add_argument("--unit", help="涉及的房号")
    op.add_argument("--deal-no", help="涉及的成交")
    an = o.command(actions, "answer", "登记答复，并写出答复书", _answer)
    an.add_argument("no", help="个案编号，如 KF-20261120-01")
    o.project(an)
    an.add_argument("--answer", required=True, help="答复内容")
    an.add_argument("--date", required=True, help="答复日期")
    an.add_argument("--out", type=Path, help="将答复书（客户来函答复书）写到此处")
    ls = o.command(actions, "list", "未结个案；逾期的上报案场经理", _list)
    o.project(ls)
    ls.add_argument("--date", required=True, help="据以判断期限的日期")
    duty = o.group(sub, "duty", "值班表：在岗人员、接待轮序、检查清单")
    sh = o.command(duty, "sheet", "推演当日的接待轮序，写出值班表（PDF）", _sheet)
    o.project(sh)
    sh.add_argument("--duty", type=Path, required=True, help="当日值班文件（YAML：on_duty、order、events）")
    o.out(sh)
    sh.add_argument("--no-pdf", action="store_true", help="只写出 DOCX")


def _open(args: argparse.Namespace) -> int:
    from toolkit import api

    c = api.case_open(api.open_project(args.project), kind=args.kind, who=args.who, what=args.what,
                      received=o.date(args.received, "--received"), handler=args.handler, unit=args.unit,
                      deal_no=args.deal_no)  # fmt: skip
    print(f"{c['no']}: {c['kind']} {c['who']}，承办 {c['handler']}，答复期限 {c['deadline']}")
    return 0


def _answer(args: argparse.Namespace) -> int:
    from toolkit import api

    doc = api.case_answer(api.open_project(args.project), args.no, args.answer, o.date(args.date), out=args.out)
    print(f"{args.no}：已答复" + (f"；已写出 {doc.docx}" if doc else ""))
    return 0


def _list(args: argparse.Namespace) -> int:
    from toolkit import api

    cases, findings = api.case_review(api.open_project(args.project), o.date(args.date))
    for c in cases:
        up = f"，已上报 {c['escalated_to']}" if c["escalated_to"] else ""
        print(f"{c['no']} {c['kind']} {c['who']}：{c['what']}（承办 {c['handler']}，期限 {c['deadline']}{up}）")
    o.print_findings(findings)
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from toolkit import api

    receptions, files = api.duty_sheet(api.open_project(args.project), args.duty, args.out, pdf=not args.no_pdf)
    for r in receptions:
        print(f"{r.time} {r.visitor} → {r.consultant}（{r.why}）")
    for f in files:
        o.wrote(f)
    return 0
