"""The `loupan report weekly|monthly` commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from toolkit.cli import options as o


def add_commands(rep) -> None:
    """Add the weekly and monthly reports to the `report` subparsers."""
    for name, helptext, example in (
        ("weekly", "销售周报（XLSX 和 PDF 图表）", "2026-W47"),
        ("monthly", "销售月报（XLSX 和 PDF 图表）", "2026-11"),
    ):
        p = rep.add_parser(name, help=helptext, description=helptext)
        p.add_argument("--period", required=True, help=f"期间，如 {example}")
        p.add_argument(
            "--project", type=Path, action="append", required=True, help="项目文件夹（配合 --all-projects 可重复给出）"
        )
        p.add_argument("--out", type=Path, default=Path("output"), help="输出文件夹（默认：output/）")
        p.add_argument("--json", action="store_true", help="以一个 JSON 对象输出各项数据")
        p.add_argument("--all-projects", action="store_true", help="每个给出的项目文件夹各出一份报表")
        p.add_argument(
            "--db",
            dest="ledger_url",
            metavar="URL",
            help="台账数据库（默认：LOUPAN_DB，否则用各项目自己的）",
        )
        p.set_defaults(func=_run, kind=name)


def _run(args: argparse.Namespace) -> int:
    from toolkit import api, report_api
    from toolkit.errors import UsageError
    from toolkit.reports.period import parse_period

    if parse_period(args.period).kind != args.kind:
        raise UsageError(
            f"--period {args.period} 不是{'周（如 2026-W47）' if args.kind == 'weekly' else '月份（如 2026-11）'}"
        )
    if len(args.project) > 1 and not args.all_projects:
        raise UsageError("给了多个 --project 文件夹时须加 --all-projects")
    results = []
    for folder in args.project:
        r, files = report_api.report_period(api.open_project(folder), period=args.period, out=args.out)
        results.append({**r.as_json(), "outputs": [str(f) for f in files]})
        if not args.json:
            _print(r, files)
    if args.json:
        print(json.dumps(results if args.all_projects else results[0], ensure_ascii=False, indent=2))
    return 0


def _print(r, files) -> None:
    print(f"{r.project} {r.period.label}" + ("：本期无业务" if r.empty else ""))
    for row in (x for x in r.progress if x["scope"] == "项目"):
        rate = f"（{row['rate']}%）" if row["rate"] is not None else ""
        print(f"  {row['measure']}: {row['actual']} / {row['target'] or '-'}{rate}")
    for f in r.findings:  # the expired 认购, as warnings to chase
        print(f"{f.severity}: {f.rule}: {f.message}")
    for path in files:
        o.wrote(path)
