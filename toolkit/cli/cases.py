"""`loupan case ...` and `loupan duty ...`: the register of customer cases, and the day's duty sheet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add case open, answer, list and duty sheet."""
    actions = o.group(sub, "case", "customer cases: enquiries, complaints, disputes (客户个案)")
    op = o.command(actions, "open", "register a case; its deadline follows the policy", _open)
    o.project(op)
    op.add_argument("--kind", required=True, help="咨询, 投诉 or 争议")
    op.add_argument("--who", required=True, help="the customer's name")
    op.add_argument("--what", required=True, help="what the customer asks or complains about")
    op.add_argument("--received", required=True, help="the day it was received")
    op.add_argument("--handler", required=True, help="who handles it (on the staff roster)")
    op.add_argument("--unit", help="the unit concerned")
    op.add_argument("--deal-no", help="the deal concerned")
    an = o.command(actions, "answer", "record the answer, and write the reply letter", _answer)
    an.add_argument("no", help="the case number, e.g. KF-20261120-01")
    o.project(an)
    an.add_argument("--answer", required=True, help="the answer given")
    an.add_argument("--date", required=True, help="the day of the answer")
    an.add_argument("--out", type=Path, help="write the reply letter (客户来函答复书) here")
    ls = o.command(actions, "list", "the open cases; overdue ones are escalated to the 案场经理", _list)
    o.project(ls)
    ls.add_argument("--date", required=True, help="the day to judge deadlines on")
    duty = o.group(sub, "duty", "the duty sheet: who is on site, the reception order, the checklists")
    sh = o.command(duty, "sheet", "play the day's reception order and write the duty sheet (PDF)", _sheet)
    o.project(sh)
    sh.add_argument("--duty", type=Path, required=True, help="the day's duty file (YAML: on_duty, order, events)")
    o.out(sh)
    sh.add_argument("--no-pdf", action="store_true", help="write the DOCX only")


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
