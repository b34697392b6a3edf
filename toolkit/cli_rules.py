"""`loupan rules`: every rule the toolkit knows, with its severity, source, the inputs it reads and its switch."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from toolkit import rules
from toolkit.domain.policy import load_policy


def add_commands(sub) -> None:
    """Add the `rules` command to the CLI's subparsers."""
    helptext = "列出全部规则：编号、级别、标题、依据、适用对象、开关"
    r = sub.add_parser("rules", help=helptext, description=helptext)
    r.add_argument("--project", type=Path, help="项目文件夹：按其 policies.yaml 的设置显示规则")
    shape = r.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="以 JSON 输出规则")
    shape.add_argument("--markdown", action="store_true", help="输出 README 中的规则表")
    r.set_defaults(func=_rules)


def _rules(args: argparse.Namespace) -> int:
    policy = load_policy(args.project) if args.project else None
    if args.markdown:
        print(rules.markdown_table(policy), end="")
    elif args.json:
        print(json.dumps(rules.catalogue(policy), ensure_ascii=False, indent=2))
    else:
        for r in rules.catalogue(policy):
            off = "" if r["switch"] == "on" else "（已关闭）"
            print(f"{r['id']:<28} {r['severity']:<8} {r['title']}{off} — {r['source']}")
    return 0
