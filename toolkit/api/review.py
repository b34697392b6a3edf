"""签约审定 for the command line and scripts: approve drafts (given, or dropped in the review folder), deal stages.

A deal's documents go rendered → approved → signed: rendered when `loupan render` wrote their PDF into a
project with a ledger, approved by `loupan check --approve --by NAME` or `loupan review --by NAME`, signed when
the inbox accepted a signed copy. `stages` puts the three together per deal and document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from toolkit.domain.ids import mask_text
from toolkit.ledger.stages import Stage, has_ledger, open_stages
from toolkit.scan.approval import REVIEW, Approval, approve, keep_copy
from toolkit.workspace import Workspace

DRAFTS = (".docx", ".pdf")
STAGE_NAMES = {"rendered": "已出具", "approved": "已审定", "signed": "已签署"}

__all__ = ["Approval", "approve", "record_rendered", "review_folder", "stages"]


def review_folder(ws: Workspace, by: str) -> list[Approval]:
    """Approve the drafts dropped in PROJECT/review/: approved ones are kept in approved/, refused ones in refused/.

    Each draft is moved (never overwritten), and a refused one gets a report beside it saying why.
    """
    folder = ws.project_dir / REVIEW
    drafts = sorted(p for p in folder.glob("*") if p.is_file() and p.suffix.lower() in DRAFTS and p.name[0] != ".")
    if not drafts:
        return []
    results = approve(ws, drafts, by, move=True)  # an approved draft is moved into approved/<deal>/
    for a in results:
        if a.approved is None:
            _refusal_report(keep_copy(folder / "refused", a.path, move=True), a, ws.pack.titles())
    return results


def _refusal_report(kept: Path, a: Approval, titles: dict[str, str]) -> None:
    from toolkit.reports.check_html import render_html

    report = [(mask_text(kept.name), a.doc_id, a.findings)]
    html = render_html(report, title=f"签约审定未通过：{a.why}", titles=titles)
    kept.with_name(kept.name + ".report.html").write_text(html, encoding="utf-8")


def record_rendered(ws: Workspace, documents: list) -> int:
    """Record the rendered PDFs of deal documents as stage 'rendered' (only in a project that has a ledger)."""
    deal_docs = set(ws.pack.docs_per("deal"))
    marked = [d for d in documents if d.pdf and d.document in deal_docs and d.properties.get("document_id")]
    if not marked or not has_ledger(ws.project_dir, ws.ledger_url):
        return 0
    from toolkit.scan.approval import page_hashes

    st = open_stages(ws.project_dir, ws.ledger_url, ws.project.code)
    try:
        for d in marked:
            number = d.properties["document_id"].rsplit("-", 1)[0]
            pages = tuple(page_hashes(Path(d.pdf)))
            st.record(Stage(d.properties["document_id"], number, d.document, "rendered", "", "", "", pages, str(d.pdf)))
    finally:
        st.close()
    return len(marked)


@dataclass
class DocumentStages:
    """Where one document of a deal is: rendered, approved (by whom), signed (which file)."""

    deal_no: str
    document: str
    rendered: str = ""  # when
    approved: str = ""  # when and by whom
    signed: str = ""  # when, and the inbox file number
    stage: str = ""
    notes: list[str] = field(default_factory=list)


def stages(project_dir: Path, url: str | None = None) -> list[DocumentStages]:
    """Return each deal document's stages as the ledger knows them (--db, LOUPAN_DB or the project's file)."""
    if not has_ledger(Path(project_dir), url):
        return []
    out: dict[tuple[str, str], DocumentStages] = {}
    st = open_stages(Path(project_dir), url)
    try:
        for s in st.every():
            d = out.setdefault((s.deal_no, s.document), DocumentStages(s.deal_no, s.document))
            if s.stage == "rendered":
                d.rendered = s.at[:16]
            else:
                d.approved = f"{s.at[:16]} {s.by}"
        for row in st.ledger.all_files():
            if row.outcome == "accepted" and row.deal_no and row.document:
                d = out.setdefault((row.deal_no, row.document), DocumentStages(row.deal_no, row.document))
                d.signed = f"{(row.decided_at or '')[:16]} #{row.id}"
    finally:
        st.close()
    for d in out.values():
        d.stage = "signed" if d.signed else "approved" if d.approved else "rendered"
    return [out[k] for k in sorted(out)]
