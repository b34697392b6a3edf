"""The `loupan` command: parse arguments, call the library, print, map errors to exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from toolkit import api
from toolkit.cli_sales import sales_commands
from toolkit.errors import ToolkitError, UsageError
from toolkit.findings import has_errors

USAGE = 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return int(args.func(args))
    except ToolkitError as exc:
        print(f"loupan: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loupan", description="楼盘销售管理工具: template packs, checks, inbox.")
    sub = parser.add_subparsers(metavar="COMMAND")
    r = sub.add_parser(
        "render",
        help="check deals and render their documents (DOCX, PDF)",
        description="Check each deal, then render the documents of the clean ones.",
    )
    r.add_argument("--project", type=Path, required=True, help="project folder (project.yaml, units.csv)")
    which = r.add_mutually_exclusive_group()
    which.add_argument("--deal", type=Path, action="append", default=[], help="a deal file (repeatable)")
    which.add_argument("--all-deals", action="store_true", help="every deal in PROJECT/deals/")
    r.add_argument(
        "--docs",
        help="documents to render, comma-separated (default: subscription,contract for "
        "deals, procedure,handbook otherwise)",
    )
    r.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    r.add_argument("--pdf", action="store_true", help="also write PDFs (needs LibreOffice)")
    r.add_argument("--json", action="store_true", help="print one JSON object with the findings")
    r.add_argument("--pack", type=Path, help="pack folder (default: by the project's sale type)")
    r.add_argument("--quiet", action="store_true", help="no progress lines")
    r.add_argument(
        "--script",
        choices=("hans", "hant"),
        default="hans",
        help="simplified (default) or traditional characters (files named ...-hant.docx)",
    )
    r.set_defaults(func=_render)
    c = sub.add_parser(
        "check",
        help="check filled or signed documents (DOCX, text PDF)",
        description="Read documents back and check them; files given together are cross-checked.",
    )
    c.add_argument("files", type=Path, nargs="+", metavar="FILE", help="a 认购书 and/or contract, DOCX or PDF")
    c.add_argument("--project", type=Path, required=True, help="project folder (project.yaml, units.csv)")
    c.add_argument("--json", action="store_true", help="print one JSON object with the findings")
    c.add_argument("--html", type=Path, metavar="REPORT", help="also write a report a person reads")
    c.add_argument("--pack", type=Path, help="pack folder (default: by the project's sale type)")
    c.add_argument(
        "--script",
        choices=("hans", "hant"),
        help="the documents' script, when their provenance is lost (default: from the provenance, or tried)",
    )
    c.set_defaults(func=_check)
    for name, helptext in (
        ("watch", "watch an inbox folder until stopped (SIGINT/SIGTERM)"),
        ("ingest", "process what is in an inbox folder now, then exit"),
    ):
        w = sub.add_parser(name, help=helptext, description=helptext)
        w.add_argument("--project", type=Path, required=True, help="project folder (its ledger lives there)")
        w.add_argument("--inbox", type=Path, required=True, help="the folder signed forms are dropped into")
        w.add_argument("--filed", type=Path, required=True, help="the filed tree (outside the inbox)")
        w.add_argument(
            "--stability",
            type=float,
            default=2.0,
            metavar="SECONDS",
            help="how long a file must stay unchanged before it is taken (default 2)",
        )
        w.add_argument(
            "--time-limit",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="longest check of one file before it is quarantined (default 60)",
        )
        w.add_argument(
            "--incomplete-grace",
            type=float,
            default=30.0 if name == "watch" else 5.0,
            metavar="SECONDS",
            help="how long a stable file that does not open as a whole document is waited for before it is quarantined",
        )
        w.add_argument("--pack", type=Path, help="pack folder (default: by the project's sale type)")
        if name == "watch":
            w.add_argument("--polling", action="store_true", help="poll instead of file-system events (network shares)")
            w.add_argument(
                "--rescan",
                type=float,
                default=60.0,
                metavar="SECONDS",
                help="rescan the whole inbox this often (default 60)",
            )
        w.set_defaults(func=_inbox_command, command=name)
    st = sub.add_parser("status", help="files per outcome and the latest rejections")
    st.add_argument("--project", type=Path, required=True, help="project folder")
    st.add_argument("--json", action="store_true", help="print JSON")
    st.set_defaults(func=_status)
    sales_commands(sub)
    p = sub.add_parser("pack", help="pack authoring tools").add_subparsers(metavar="ACTION")
    b = p.add_parser("build", help="build a pack's DOCX templates from their sources")
    b.add_argument("pack", type=Path, help="pack folder")
    b.set_defaults(func=_pack_build)
    lint = p.add_parser("lint", help="lint a pack's templates (tags, variables, clause ids, tracked changes)")
    lint.add_argument("pack", type=Path, help="pack folder")
    lint.add_argument("--json", action="store_true", help="print JSON")
    lint.set_defaults(func=_pack_lint)
    test = p.add_parser("test", help="render the pack's samples and compare each clause with its baseline")
    test.add_argument("pack", type=Path, help="pack folder")
    test.add_argument("--update", action="store_true", help="accept the rendered text as the new baselines")
    test.set_defaults(func=_pack_test)
    diff = p.add_parser("diff", help="clauses changed, added or removed between two packs or versions")
    diff.add_argument("old", help="pack folder, or PACK@VERSION for a released version")
    diff.add_argument("new", help="pack folder, or PACK@VERSION")
    diff.add_argument("--out", type=Path, help="write the report: .html or .docx")
    diff.set_defaults(func=_pack_diff)
    rel = p.add_parser("release", help="keep the current version under PACK/releases/VERSION/")
    rel.add_argument("pack", type=Path, help="pack folder")
    rel.set_defaults(func=_pack_release)
    __import__("toolkit.cli_rules").cli_rules.add_commands(sub)
    return parser


def _render(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project, pack_dir=args.pack)
    deals = api.deal_files(ws) if args.all_deals else args.deal
    for d in deals:
        if Path(d).is_dir():
            raise UsageError(
                f"{d}: 是文件夹，不是交易文件 / a folder, not a deal file (give a .yaml file, or --all-deals)"
            )
        if not Path(d).is_file():
            raise UsageError(f"{d}: no such deal file")
    docs = _docs(args.docs, bool(deals))
    result = api.render(
        ws,
        deals=deals,
        docs=docs,
        out=args.out,
        pdf=args.pdf,
        script=args.script,
        progress=None if args.quiet or len(deals) < 10 else _progress,
    )
    for note in result.notes:
        print(f"loupan: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(_json(result), ensure_ascii=False, indent=2))
    else:
        _print_text(result)
    return 1 if has_errors(result.findings) else 0


def _docs(value: str | None, with_deals: bool) -> list[str]:
    if value:
        return [d.strip() for d in value.split(",") if d.strip()]
    return ["subscription", "contract"] if with_deals else ["procedure", "handbook"]


def _progress(i: int, n: int, deal_no: str) -> None:
    print(f"[{i}/{n}] {deal_no}", file=sys.stderr, flush=True)


def _json(result: api.RenderResult) -> dict[str, Any]:
    return {
        "ok": not has_errors(result.findings),
        "findings": [f.as_dict() for f in result.findings],
        "deals": [
            {
                "deal_no": d.check.deal_no,
                "file": str(d.check.path),
                "rendered": bool(d.documents),
                "findings": [f.as_dict() for f in d.findings],
                "outputs": _outputs(d.documents),
            }
            for d in result.deals
        ],
        "outputs": _outputs(result.documents),
        "notes": result.notes,
    }


def _outputs(docs: list) -> list[str]:
    return [str(p) for d in docs for p in (d.docx, d.pdf) if p]


def _print_text(result: api.RenderResult) -> None:
    for d in result.deals:
        status = "rendered" if d.documents else ("skipped" if has_errors(d.findings) else "checked")
        print(f"{d.check.deal_no}: {status}")
        for f in d.findings:
            print("  " + f.line())
    for path in _outputs(result.documents):
        print(f"wrote {path}")


def _check(args: argparse.Namespace) -> int:
    from toolkit.reports.check_html import render_html

    ws = api.open_project(args.project, pack_dir=args.pack)
    result = api.check(ws, args.files, script=args.script)
    if args.html:
        report = [(d.path.name, d.doc_id, d.findings) for d in result.documents]
        args.html.write_text(render_html(report), encoding="utf-8")
    if args.json:
        docs = [
            {
                "file": str(d.path),
                "document": d.doc_id,
                "pack": d.pack,
                "pack_version": d.version,
                "findings": [f.as_dict() for f in d.findings],
            }
            for d in result.documents
        ]
        print(
            json.dumps(
                {
                    "ok": not has_errors(result.findings),
                    "findings": [f.as_dict() for f in result.findings],
                    "documents": docs,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for d in result.documents:
            print(
                f"{d.path.name}: {d.doc_id or 'unknown'}: {'ok' if not d.findings else f'{len(d.findings)} finding(s)'}"
            )
            for f in d.findings:
                print("  " + f.line())
    return 1 if has_errors(result.findings) else 0


def _inbox_command(args: argparse.Namespace) -> int:
    options = {
        "stability": args.stability,
        "time_limit": args.time_limit,
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
        taken = api.watch(cfg, log=log, ready=lambda _: log(f"watching {args.inbox} (stop with Ctrl-C)"))
    log(f"{taken} file(s) taken")
    return 0


def _status(args: argparse.Namespace) -> int:
    data = api.inbox_status(args.project)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"ledger: {data['ledger']}")
    for outcome, count in sorted(data["counts"].items()):
        print(f"  {outcome}: {count}")
    for title, key in (("recent rejections", "recent_rejections"), ("recent quarantine", "recent_quarantine")):
        if data[key]:
            print(title + ":")
        for row in data[key]:
            rules = ", ".join(sorted({r["rule"] for r in row["reasons"]}))
            print(f"  #{row['id']} {row['file']} ({row['deal_no'] or '-'}): {rules}")
            for r in row["reasons"][:3]:
                print(f"      {r['message'][:120]}")
    return 0


def _pack_lint(args: argparse.Namespace) -> int:
    findings = api.pack_lint(args.pack)
    if args.json:
        print(
            json.dumps(
                {"ok": not has_errors(findings), "findings": [f.as_dict() for f in findings]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for f in findings:
            shown = f" | {f.found}" if f.found else ""
            print(f"{f.document}: {f.location}: {f.severity}: {f.rule}: {f.message}{shown}")
        print(f"{len(findings)} finding(s)" if findings else "lint clean")
    return 1 if has_errors(findings) else 0


def _pack_test(args: argparse.Namespace) -> int:
    result = api.pack_test(args.pack, update=args.update)
    for path in result.written:
        print(f"wrote {path}")
    for f in result.findings:
        print(f"{f.severity}: {f.message}")
    if not args.update:
        print(f"{result.compared} clause(s) compared, {len(result.findings)} difference(s)")
    return 1 if result.findings else 0


def _pack_diff(args: argparse.Namespace) -> int:
    from toolkit.authoring.diff import docx_report, html_report

    old, new, changes = api.pack_diff(args.old, args.new)
    for c in changes:
        print(f"{c.kind}: {c.document} {c.clause}")
    if args.out:
        if args.out.suffix.lower() == ".docx":
            docx_report(old, new, changes, args.out)
        else:
            args.out.write_text(html_report(old, new, changes), encoding="utf-8")
        print(f"wrote {args.out}")
    print(f"{len(changes)} clause(s) differ between {old.name} {old.version} and {new.name} {new.version}")
    return 0


def _pack_release(args: argparse.Namespace) -> int:
    print(f"released to {api.pack_release(args.pack)}")
    return 0


def _pack_build(args: argparse.Namespace) -> int:
    from toolkit.authoring.pack_build import build_pack

    for doc_id, count in build_pack(args.pack).items():
        print(f"built {doc_id}: {count} clauses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
