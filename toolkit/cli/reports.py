"""`loupan report daily` and `loupan board`: the day's sales and cash, and the 销控表."""

from __future__ import annotations

import argparse
from typing import Any

from toolkit import cli_reports
from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add report daily and board."""
    rep = o.group(sub, "report", "报表", "REPORT")
    cli_reports.add_commands(rep)
    daily = o.command(rep, "daily", "销售与资金日报（XLSX 和 PDF）", _report_daily)
    o.project(daily)
    daily.add_argument("--date", required=True, help="YYYY-MM-DD")
    o.out(daily)
    brd = o.command(sub, "board", "销控表：按楼栋、楼层列出全部房号（HTML 和 PNG）", _board)
    o.project(brd)
    o.out(brd)


def _report_daily(args: argparse.Namespace) -> int:
    from toolkit import api

    done = api.report_daily(api.open_project(args.project), date=o.date(args.date).isoformat(), out=args.out)
    for name, v in done.report.sales.items():
        print(f"{name}: {v['count']} 笔 {v['amount']}")
    o.print_findings(done.report.findings)
    for path in done.files:
        o.wrote(path)
    return 1 if done.report.findings else 0


def _board(args: argparse.Namespace) -> int:
    from toolkit import api

    for path in api.board(api.open_project(args.project), out=args.out):
        o.wrote(path)
    return 0
