"""`loupan pack ...`: build, lint, test, diff and release a template pack."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add pack build, lint, test, diff and release."""
    p = o.group(sub, "pack", "模板包编写工具")
    for name, helptext, func in (
        ("build", "由源文件生成模板包的 DOCX 模板", _pack_build),
        ("lint", "检查模板包的模板（标签、变量、条款编号、修订痕迹）", _pack_lint),
        ("test", "生成模板包的样例，逐条款与基准比对", _pack_test),
        ("release", "将当前版本保存到 PACK/releases/VERSION/", _pack_release),
    ):
        c = o.command(p, name, helptext, func)
        c.add_argument("pack", type=Path, help="模板包文件夹")
        if name == "lint":
            o.as_json(c)
        if name == "test":
            c.add_argument("--update", action="store_true", help="以生成的文本作为新基准")
    diff = o.command(p, "diff", "两个模板包或版本之间修改、新增或删除的条款", _pack_diff)
    diff.add_argument("old", help="模板包文件夹，或已发布版本的 PACK@VERSION")
    diff.add_argument("new", help="模板包文件夹，或 PACK@VERSION")
    diff.add_argument("--out", type=Path, help="写出报告：.html 或 .docx")


def _pack_lint(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.findings import has_errors

    findings = api.pack_lint(args.pack)
    if args.json:
        o.print_json({"ok": not has_errors(findings), "findings": [f.as_dict() for f in findings]})
    else:
        for f in findings:
            shown = f" | {f.found}" if f.found else ""
            print(f"{f.document}: {f.location}: {f.severity}: {f.rule}: {f.message}{shown}")
        print(f"发现 {len(findings)} 处问题" if findings else "检查通过，未发现问题")
    return 1 if has_errors(findings) else 0


def _pack_test(args: argparse.Namespace) -> int:
    from toolkit import api

    result = api.pack_test(args.pack, update=args.update)
    for path in result.written:
        o.wrote(path)
    for f in result.findings:
        print(f"{f.severity}: {f.message}")
    if not args.update:
        print(f"已比对 {result.compared} 条条款，{len(result.findings)} 处不同")
    return 1 if result.findings else 0


def _pack_diff(args: argparse.Namespace) -> int:
    from toolkit import api

    old, new, changes = api.pack_diff(args.old, args.new)
    for c in changes:
        print(f"{c.kind_name}：{c.document} {c.clause}")
    if args.out:
        api.pack_diff_report(old, new, changes, args.out)
        o.wrote(args.out)
    print(f"{old.name} {old.version} 与 {new.name} {new.version} 之间有 {len(changes)} 条条款不同")
    return 0


def _pack_release(args: argparse.Namespace) -> int:
    from toolkit import api

    print(f"已发布到 {api.pack_release(args.pack)}")
    return 0


def _pack_build(args: argparse.Namespace) -> int:
    from toolkit import api

    for doc_id, count in api.pack_build(args.pack).items():
        print(f"已生成 {doc_id}：{count} 条条款")
    return 0
