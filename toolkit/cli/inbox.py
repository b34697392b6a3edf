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
        ("watch", "持续监视收件夹，直至停止（SIGINT/SIGTERM）"),
        ("ingest", "处理收件夹中现有的文件，然后退出"),
    ):
        w = o.command(sub, name, helptext, _inbox_command, command=name)
        o.project(w)
        w.add_argument("--inbox", type=Path, required=True, help="放入已签文件的收件夹")
        w.add_argument("--filed", type=Path, required=True, help="归档目录（在收件夹之外）")
        _seconds(w, "--stability", 2.0, "文件须保持不变多久才收取")
        _seconds(w, "--time-limit", 60.0, "单个文件核对的最长时间，超时即隔离")
        _seconds(w, "--page-time-limit", 15.0, "首页之后每判读一页增加的时间，扫描件、照片合计")
        grace = 30.0 if name == "watch" else 5.0
        _seconds(
            w,
            "--incomplete-grace",
            grace,
            "已稳定但无法作为完整文件打开的文件，等待多久后隔离",
        )
        o.pack(w)
        if name == "watch":
            w.add_argument("--polling", action="store_true", help="以轮询代替文件系统事件（用于网络共享）")
            _seconds(w, "--rescan", 60.0, "每隔多久重新扫描整个收件夹")
    st = o.command(sub, "status", "各处理结果的文件数及最近的退回", _status)
    o.project(st)
    st.add_argument("--all-projects", action="store_true", help="数据库中每个项目各处理结果的文件数")
    o.as_json(st)


def _seconds(p: argparse.ArgumentParser, flag: str, default: float, helptext: str) -> None:
    p.add_argument(flag, type=float, default=default, metavar="SECONDS", help=f"{helptext}（默认 {default:g}）")


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
