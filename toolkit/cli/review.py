"""`loupan review` and `loupan check --approve`: 签约审定 of drafts before signing; the stages in `loupan status`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add review."""
    r = o.command(
        sub,
        "review",
        "签约审定：签署前核对并审定放入 PROJECT/review/ 的草稿",
        _review,
    )
    o.project(r)
    r.add_argument("--by", required=True, metavar="NAME", help="审定人（记入台账）")
    o.as_json(r)
    o.pack(r)


def _review(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.api.review import review_folder

    ws = api.open_project(args.project, pack_dir=args.pack)
    results = review_folder(ws, args.by)
    if not results and not args.json:
        print(f"{args.project / 'review'}：没有待审定的草稿")
    return _print(results, args.json)


def approve_files(ws: Any, args: argparse.Namespace) -> int:
    """Check the files given and approve the clean ones (`loupan check --approve --by NAME`)."""
    from toolkit.api.review import approve

    for f in args.files:
        if not Path(f).is_file():
            from toolkit.errors import UsageError

            raise UsageError(f"{f}：文件不存在")
    return _print(approve(ws, args.files, args.by), args.json)


def _print(results: list, as_json: bool) -> int:
    if as_json:
        o.print_json([_json(a) for a in results])
    for a in results if not as_json else []:
        if a.approved:
            print(f"{a.path.name}：{a.document_id}：已审定，审定人 {a.approved.by}，时间 {a.approved.at[:19]}")
            print(f"  存档于 {a.approved.path}")
            if a.prints_as:  # the marked PDF whose pages were recorded: the one to print and sign
                print(f"  打印签署用 {a.prints_as}（已记录 {len(a.approved.pages)} 页）")
            if a.note:
                print(f"  {a.note}")
        else:
            print(f"{a.path.name}：未审定：{a.why}")
        o.print_findings(a.findings)
    return 0 if results and all(a.approved for a in results) else 1


def _json(a: Any) -> dict[str, Any]:
    s = a.approved
    return {
        "file": str(a.path),
        "document_id": a.document_id,
        "approved": bool(s),
        "by": s.by if s else "",
        "at": s.at if s else "",
        "kept_as": s.path if s else "",
        "prints_as": str(a.prints_as or ""),
        "pages": list(s.pages) if s else [],
        "why": a.why,
        "findings": [f.as_dict() for f in a.findings],
    }


def stages_json(project: Path) -> list[dict[str, Any]]:
    """Return each deal document's stages for `loupan status --json`."""
    import dataclasses

    from toolkit.api.review import stages

    return [dataclasses.asdict(d) for d in stages(project)]


def print_stages(project: Path) -> None:
    """Print each deal document's stage (rendered, approved, signed) for `loupan status`."""
    from toolkit.api.review import STAGE_NAMES, stages

    rows = stages(project)
    if rows:
        print("成交文件（已出具 → 已审定 → 已签署）：")
    for d in rows:
        done = [f"{STAGE_NAMES[k]} {getattr(d, k)}" for k in ("rendered", "approved", "signed") if getattr(d, k)]
        missing = "" if d.approved or not d.signed else "  （无审定记录）"
        print(f"  {d.deal_no} {d.document}: {STAGE_NAMES[d.stage]} — {'; '.join(done)}{missing}")
