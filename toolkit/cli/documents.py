"""`loupan render` and `loupan check`: documents made from deals, and documents read back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add render and check."""
    _render_command(sub)
    _check_command(sub)


def _render_command(sub: Any) -> None:
    r = o.command(sub, "render", "核对成交，为无问题的成交生成文件（DOCX、PDF）", _render)
    o.project(r)  # --db: the rendered stage is recorded in the ledger
    which = r.add_mutually_exclusive_group()
    which.add_argument("--deal", type=Path, action="append", default=[], help="成交文件（可重复给出）")
    which.add_argument("--all-deals", action="store_true", help="PROJECT/deals/ 中的全部成交")
    r.add_argument(
        "--docs",
        help="要生成的文件，逗号分隔（默认：有成交时为 subscription,contract，否则为 procedure,handbook）",
    )
    o.out(r)
    r.add_argument("--pdf", action="store_true", help="同时写出 PDF（需要 LibreOffice）")
    o.as_json(r)
    o.pack(r)
    r.add_argument("--quiet", action="store_true", help="不显示进度")
    r.add_argument(
        "--script",
        choices=("hans", "hant"),
        default="hans",
        help="简体（默认）或繁体（文件名为 ...-hant.docx）",
    )


def _check_command(sub: Any) -> None:
    c = o.command(
        sub,
        "check",
        "核对已填写或已签署的文件（DOCX、文本 PDF）；一同给出的文件相互核对",
        _check,
    )
    c.add_argument("files", type=Path, nargs="+", metavar="FILE", help="认购书和/或合同，DOCX 或 PDF")
    o.project(c)  # --db: 签约审定 (--approve, and a signed copy against its approval)
    o.as_json(c)
    c.add_argument("--html", type=Path, metavar="REPORT", help="同时写出一份供人阅读的报告")
    o.pack(c)
    c.add_argument(
        "--script",
        choices=("hans", "hant"),
        help="文件用字（简体/繁体），用于来源信息缺失时（默认：按来源信息，否则逐一尝试）",
    )
    c.add_argument("--approve", action="store_true", help="签约审定：将每份无问题的草稿记为已审定（需 --by）")
    c.add_argument("--by", default="", metavar="NAME", help="审定人（与 --approve 同用）")


def _render(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.errors import UsageError
    from toolkit.findings import has_errors

    ws = api.open_project(args.project, pack_dir=args.pack)
    deals = api.deal_files(ws) if args.all_deals else args.deal
    for d in deals:
        if Path(d).is_dir():
            raise UsageError(
                f"{d}: 是文件夹，不是交易文件 / a folder, not a deal file (give a .yaml file, or --all-deals)"
            )
        if not Path(d).is_file():
            raise UsageError(f"{d}：交易文件不存在")
    progress = None if args.quiet or len(deals) < 10 else _progress
    result = api.render(
        ws,
        deals=deals,
        docs=_docs(args.docs, bool(deals)),
        out=args.out,
        pdf=args.pdf,
        script=args.script,
        progress=progress,
    )
    for note in result.notes:
        print(f"loupan: {note}", file=sys.stderr)
    if args.pdf:
        from toolkit.api.review import record_rendered  # stage 'rendered', in a project that has a ledger

        record_rendered(ws, result.documents)
    if args.json:
        o.print_json(_json(result))
    else:
        _print_render(result)
    return 1 if has_errors(result.findings) else 0


def _docs(value: str | None, with_deals: bool) -> list[str]:
    if value:
        return [d.strip() for d in value.split(",") if d.strip()]
    return ["subscription", "contract"] if with_deals else ["procedure", "handbook"]


def _progress(i: int, n: int, deal_no: str) -> None:
    print(f"[{i}/{n}] {deal_no}", file=sys.stderr, flush=True)


def _json(result: Any) -> dict[str, Any]:
    from toolkit.findings import has_errors

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


def _outputs(docs: list[Any]) -> list[str]:
    return [str(p) for d in docs for p in (d.docx, d.pdf) if p]


def _print_render(result: Any) -> None:
    from toolkit.findings import has_errors

    for d in result.deals:
        status = "已生成" if d.documents else ("有错误，未生成" if has_errors(d.findings) else "已核对")
        print(f"{d.check.deal_no}：{status}")
        o.print_findings(d.findings)
    for path in _outputs(result.documents):
        o.wrote(path)


def _check(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.findings import has_errors

    ws = api.open_project(args.project, pack_dir=args.pack)
    if args.approve:
        from toolkit.cli.review import approve_files

        return approve_files(ws, args)
    result = api.check(ws, args.files, script=args.script)
    if args.html:
        api.check_report(result, args.html)
    if args.json:
        o.print_json(
            {
                "ok": not has_errors(result.findings),
                "findings": [f.as_dict() for f in result.findings],
                "documents": [_doc_json(d) for d in result.documents],
            }
        )
    else:
        for d in result.documents:
            _print_checked(d, result.title(d))
    return 1 if has_errors(result.findings) else 0


def _print_checked(d: Any, title: str) -> None:
    """Print one checked document as a sales admin reads it: its title, how it was checked, the values read."""
    verdict = "无问题" if not d.findings else f"{len(d.findings)}项问题"
    print(f"{d.path.name}：{title or '未识别'}：{verdict}")
    if d.how:  # how it was checked: its text, its PDF pages, a scan's or photo's pages one by one
        print(f"  核对方式：{d.how}")
    if getattr(d, "values_read", None):  # a scan's values as OCR read them (personal numbers masked)
        from toolkit.scan.values import summary

        print("\n".join(f"  识别：{line}" for line in summary(d.values_read)))
    from toolkit.reports.check_html import text_line

    print("".join(f"  {text_line(f)}\n" for f in d.findings), end="")


def _doc_json(d: Any) -> dict[str, Any]:
    findings = [f.as_dict() for f in d.findings]
    checked = d.how
    return {
        "file": str(d.path),
        "document": d.doc_id,
        "pack": d.pack,
        "pack_version": d.version,
        "checked": checked,
        "pages_checked": {str(n): h for n, h in sorted(getattr(d, "pages_checked", {}).items())},
        "findings": findings,
    } | ({"values_read": d.values_read} if getattr(d, "values_read", None) else {})
