"""Batch DOCX rendering against plain docxtpl, same contract template, same 200 deals, same run.

Baseline: docxtpl as people use it: for each document load DocxTemplate, render, save.
Measured: the toolkit's renderer (template compiled once; provenance and JSON sidecar included).
Both outputs are read back and their text compared, so the speed-up is for the same documents.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import docx
from docxtpl import DocxTemplate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deals import make_project  # noqa: E402
from runs import record  # noqa: E402

from toolkit import api  # noqa: E402
from toolkit.render.context import deal_context  # noqa: E402
from toolkit.render.docx import make_environment  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
DOC = "contract"


def text_of(path: Path) -> str:
    d = docx.Document(str(path))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def contexts(ws: api.Workspace) -> list[tuple[str, dict]]:
    checks = api.check_deals(ws, api.deal_files(ws))
    bad = [c for c in checks if not c.ok]
    assert not bad, [f.message for c in bad for f in c.findings]
    out = []
    for c in checks:
        ctx = deal_context(ws.project, ws.policy, {}, c.case.deal, c.case.unit, c.case.pricing)
        out.append((c.deal_no, ctx))
    return out


def baseline(template: Path, items: list[tuple[str, dict]], out: Path, pack) -> float:
    env = make_environment()
    start = time.perf_counter()
    for number, ctx in items:
        ctx = {
            **ctx,
            "doc": {"title": pack.document(DOC).title, "number": number, "pack": pack.name, "version": pack.version},
        }
        tpl = DocxTemplate(str(template))
        tpl.render(ctx, jinja_env=env, autoescape=True)
        tpl.save(str(out / f"{number}-{DOC}.docx"))
    return time.perf_counter() - start


def batch(ws: api.Workspace, items: list[tuple[str, dict]], out: Path) -> float:
    start = time.perf_counter()
    for number, ctx in items:
        ws.renderer.render(DOC, number, ctx, out)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ws = api.open_project(make_project(tmp / "project", N))
        items = contexts(ws)
        (tmp / "base").mkdir()
        t_base = baseline(ws.pack.document(DOC).template, items, tmp / "base", ws.pack)
        t_batch = batch(ws, items, tmp / "batch")
        same = sum(
            text_of(tmp / "base" / f"{n}-{DOC}.docx") == text_of(tmp / "batch" / f"{n}-{DOC}.docx") for n, _ in items
        )
    per_base, per_batch = t_base / N * 1000, t_batch / N * 1000
    print(
        f"render {N} {DOC}s: docxtpl {per_base:.1f} ms/doc, batch renderer {per_batch:.1f} ms/doc, "
        f"speed-up {per_base / per_batch:.1f}x (target >= 10x); same text: {same}/{N}"
    )
    record(
        "render",
        f"{N} {DOC}s: docxtpl / batch renderer",
        [per_base / per_batch],
        ">= 10x",
        per_base / per_batch >= 10 and same == N,
    )
    if same != N:
        sys.exit("the batch renderer's text differs from docxtpl's")


if __name__ == "__main__":
    main()
