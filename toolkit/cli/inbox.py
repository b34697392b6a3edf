"""`loupan watch`, `loupan ingest` and `loupan status`: the inbox of signed forms."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add watch, ingest and status."""
    for name, helptext in (
        ("watch", "watch an inbox folder until stopped (SIGINT/SIGTERM)"),
        ("ingest", "process what is in an inbox folder now, then exit"),
    ):
        w = o.command(sub, name, helptext, _inbox_command, command=name)
        o.project(w)
        w.add_argument("--inbox", type=Path, required=True, help="the folder signed forms are dropped into")
        w.add_argument("--filed", type=Path, required=True, help="the filed tree (outside the inbox)")
        _seconds(w, "--stability", 2.0, "how long a file must stay unchanged before it is taken")
        _seconds(w, "--time-limit", 60.0, "longest check of one file before it is quarantined")
        _seconds(w, "--page-time-limit", 15.0, "more time per page judged beyond the first (scans, photos together)")
        grace = 30.0 if name == "watch" else 5.0
        _seconds(
            w,
            "--incomplete-grace",
            grace,
            "how long a stable file that does not open as a whole document is waited for before it is quarantined",
        )
        o.pack(w)
        if name == "watch":
            w.add_argument("--polling", action="store_true", help="poll instead of file-system events (network shares)")
            _seconds(w, "--rescan", 60.0, "rescan the whole inbox this often")
    st = o.command(sub, "status", "files per outcome and the latest rejections", _status)
    o.project(st)
    st.add_argument("--all-projects", action="store_true", help="files per outcome of every project in the database")
    o.as_json(st)


def _seconds(p: argparse.ArgumentParser, flag: str, default: float, helptext: str) -> None:
    p.add_argument(flag, type=float, default=default, metavar="SECONDS", help=f"{helptext} (default {default:g})")


def _inbox_command(args: argparse.Namespace) -> int:
    from toolkit import api

    options = {
        "stability": args.stability,
        "time_limit": args.time_limit,
        "page_time_limit": args.page_time_limit,
        "pack_dir": args.pack,
        "incomplete_grace": args.incomplete_grace,
    }
    if args.command == "watch":
        options.update(polling=args.polling, rescan=args.rescan)
    cfg = api.inbox_config(args.project, args.inbox, args.filed, **options)
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.command == "ingest":
        taken = api.ingest(cfg, log=log)
    else:
        taken = api.watch(cfg, log=log, ready=lambda _: log(f"正在监视收件夹 {cfg.inbox}（按 Ctrl-C 停止）"))
    log(f"共收取 {taken} 个文件")
    return 0


def _status(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.cli.review import print_stages, stages_json

    if args.all_projects:
        return _all_projects(args)
    data = api.inbox_status(args.project)
    if args.json:
        o.print_json({**dataclasses.asdict(data), "deals": stages_json(args.project)})
        return 0
    print(f"台账：{data.ledger}")
    for outcome, count in sorted(data.counts.items()):
        print(f"  {api.FILE_OUTCOMES.get(outcome, outcome)}（{outcome}）：{count}")
    for title, rows in (("最近退回", data.recent_rejections), ("最近隔离", data.recent_quarantine)):
        if rows:
            print(title + "：")
        for row in rows:
            rules = ", ".join(sorted({r["rule"] for r in row.reasons}))
            print(f"  #{row.id} {row.file} ({row.deal_no or '-'}): {rules}")
            for r in row.reasons[:3]:
                print(f"      {r['message'][:120]}")
    print_stages(args.project)
    return 0


def _all_projects(args: argparse.Namespace) -> int:
    from toolkit.api import database

    st = database.all_projects(args.ledger_url, args.project)
    if args.json:
        o.print_json(st.projects)
        return 0
    from toolkit.api import FILE_OUTCOMES

    print(f"台账：{st.where}")
    for project, counts in st.projects.items():
        print(f"  {project}：" + "，".join(f"{FILE_OUTCOMES.get(k, k)} {v}" for k, v in sorted(counts.items())))
    return 0
