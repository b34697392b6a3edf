"""clause.prominence on a PDF (the fonts of the clause's glyphs) and the acknowledgment of the bold clauses."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from tests.checks.test_content import _drop
from tests.conftest import require_soffice
from toolkit import api
from toolkit.render.pdf import convert

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"


def _restyle(source: Path, target: Path, clause: str, **style) -> Path:
    d = docx.Document(str(Path(shutil.copy(source, target))))
    for p in d.paragraphs:
        if clause in {b.get(docx.oxml.ns.qn("w:name")) for b in p._p.iter(docx.oxml.ns.qn("w:bookmarkStart"))}:
            for r in p.runs:
                for k, v in style.items():
                    setattr(r, k, v)
    d.save(str(target))
    return target


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, ws) -> dict[str, Path]:
    """The clean contract as PDF, and two re-formatted ones: sup_2 made plain, sup_2 underlined instead of bold."""
    require_soffice()
    out = tmp_path_factory.mktemp("prominence")
    api.render(ws, deals=[DEAL], docs=["contract"], out=out)
    clean = out / "CHY-2026-0001-contract.docx"
    plain = _restyle(clean, out / "plain.docx", "sup_2", bold=False)
    under = _restyle(clean, out / "under.docx", "sup_2", bold=False, underline=True)
    made = convert([clean, plain, under], out / "pdf")
    return {p.stem.removeprefix("CHY-2026-0001-"): p for p in made}


def test_a_pdf_whose_onerous_clause_lost_its_bold_is_clause_prominence(ws, pdfs):
    found = [(f.rule, f.clause) for f in api.check(ws, [pdfs["plain"]]).findings]
    assert found == [("clause.prominence", "sup_2")]


def test_a_pdf_with_the_clause_underlined_instead_or_untouched_is_silent(ws, pdfs):
    assert api.check(ws, [pdfs["under"]]).findings == []
    assert api.check(ws, [pdfs["contract"]]).findings == []


def test_taking_out_the_buyers_acknowledgment_of_the_bold_clauses_is_clause_prominence(ws, tmp_path):
    out = tmp_path / "out"
    api.render(ws, deals=[DEAL], docs=["contract"], out=out)
    dropped = _drop(out / "CHY-2026-0001-contract.docx", tmp_path, ("sup_14",))
    findings = api.check(ws, [dropped]).findings
    rules = {(f.rule, f.clause) for f in findings} | {
        (g["rule"], g.get("clause")) for f in findings for g in f.extra.get("follows", [])
    }
    assert ("clause.prominence", "sup_14") in rules and ("clause.altered", "sup_14") in rules


@pytest.mark.slow  # reads the glyphs of all 176 clauses
def test_every_clause_of_the_clean_pdf_reads_bold_exactly_where_the_template_sets_it(ws, pdfs):
    from toolkit.checks.prominence import PROBE, bold_clauses, template_literals
    from toolkit.pack.clauses import SOFT
    from toolkit.read.document import read_document
    from toolkit.read.pdfstyle import emphasis_of
    from toolkit.text import normalize

    template, units = ws.pack.document("contract").template, read_document(pdfs["contract"]).units
    on = {i: u.text.replace(SOFT, "") for i, u in enumerate(units)}  # the reader's pages, in file order
    wanted = {
        k: (w, [i for i, t in on.items() if normalize(w)[:PROBE] in t]) for k, w in template_literals(template).items()
    }
    read = emphasis_of(pdfs["contract"], wanted)
    found = {k for k, marked in read.items() if marked}
    assert found == bold_clauses(template) and sum(v is None for v in read.values()) < 10
