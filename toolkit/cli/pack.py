"""`loupan pack ...`: build, lint, test, diff and release a template pack."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add pack build, lint, test, diff and release."""
    p = o.group(sub, "pack", "pack authoring tools")
    for name, helptext, func in (
        ("build", "build a pack's DOCX templates from their sources", _pack_build),
        ("lint", "lint a pack's templates (tags, variables, clause ids, tracked changes)", _pack_lint),
        ("test", "render the pack's samples and compare each clause with its baseline", _pack_test),
        ("release", "keep the current version under PACK/releases/VERSION/", _pack_release),
    ):
        c = o.command(p, name, helptext, func)
        c.add_argument("pack", type=Path, help="pack folder")
        if name == "lint":
            o.as_json(c)
        if name == "test":
            c.add_argument("--update", action="store_true", help="accept the rendered text as the new baselines")
    diff = o.command(p, "diff", "clauses changed, added or removed between two packs or versions", _pack_diff)
    diff.add_argument("old", help="pack folder, or PACK@VERSION for a released version")
    diff.add_argument("new", help="pack folder, or PACK@VERSION")
    diff.add_argument("--out", type=Path, help="write the report: .html or .docx")


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
