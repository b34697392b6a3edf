"""A PDF whose page draws other glyphs than its stored text says is caught by comparing its pages with the PDF
as printed; a clean PDF saved again (pypdf, cairo) checks clean; a check without the printed PDF says so."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from tests.read.glyph_tricks import redraw
from toolkit import api
from toolkit.read.printed import compare

NAME = "CHY-2026-0001-subscription.pdf"
pytestmark = pytest.mark.pdf


@pytest.fixture
def copy(printed_pdf, tmp_path, monkeypatch) -> Path:
    """A copy of the printed PDF dropped elsewhere, the printed folder named by LOUPAN_PRINTED."""
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed_pdf.parent))
    (tmp_path / "in").mkdir()
    return Path(shutil.copy(printed_pdf, tmp_path / "in" / NAME))


def checked(ws, path: Path):
    (doc,) = api.check(ws, [path]).documents
    return doc


def drawn_otherwise(doc) -> list:
    return [f for f in doc.findings if f.rule == "clause.altered" and f.extra.get("seen") == "page image"]


def test_a_copy_of_the_printed_pdf_checks_clean_and_says_its_pages_were_compared(ws, copy):
    doc = checked(ws, copy)
    assert doc.findings == []
    assert "页面图像已与打印件" in doc.how and "6页" in doc.how


def test_a_pdf_saved_again_by_pypdf_checks_clean(ws, copy):
    PdfWriter(clone_from=PdfReader(copy)).write(copy)
    assert checked(ws, copy).findings == []


def test_a_pdf_redrawn_by_cairo_checks_clean(ws, copy, printed_pdf):
    printed = printed_pdf
    """Another program re-embeds the fonts and places glyphs a pixel apart: the pages still compare equal."""
    if not shutil.which("pdftocairo"):
        pytest.fail("pdftocairo (poppler-utils) is needed for this test")
    subprocess.run(["pdftocairo", "-pdf", str(printed), str(copy)], check=True)
    assert compare(copy.read_bytes(), printed).differences == []
    writer = PdfWriter(clone_from=PdfReader(copy))
    writer.add_metadata(dict(PdfReader(printed).metadata or {}))  # cairo drops the provenance
    writer.write(copy)
    assert checked(ws, copy).findings == []


@pytest.mark.parametrize("how", ["other", "merged", "blank"])
@pytest.mark.parametrize("incremental", [False, True])
def test_glyphs_drawn_unlike_the_stored_text_are_clause_altered(ws, copy, how, incremental):
    redraw(copy, how, incremental)
    assert PdfReader(copy).pages[3].extract_text().replace(" ", "").count("应当双倍返还定金") == 1
    doc = checked(ws, copy)
    errors = [f for f in doc.findings if f.rule == "clause.altered" and f.severity == "error"]
    assert errors, doc.findings
    if how == "blank":  # pdfium reads a space glyph as a space whatever its ToUnicode says: the text shows it
        assert any("双倍" in f.expected and "双倍" not in f.found for f in errors)
        return
    (f,) = drawn_otherwise(doc)
    assert (f.location, f.clause, f.expected) == ("第4页", "sub_out_2", "双倍")
    assert "第4页，第七条：" in f.message and "sub_out_2" not in f.message  # the clause by its heading, not its id


def test_without_the_printed_pdf_the_check_says_the_pages_were_not_compared(ws, printed_pdf, tmp_path, monkeypatch):
    monkeypatch.delenv("LOUPAN_PRINTED", raising=False)
    alone = Path(shutil.copy(printed_pdf, tmp_path / NAME))
    redraw(alone, "other")
    doc = checked(ws, alone)
    assert "未找到打印时的PDF" in doc.how and "未与打印件比对" in doc.how
    assert drawn_otherwise(doc) == []


def test_a_file_beside_the_checked_one_is_not_taken_for_the_printed_pdf(ws, copy, tmp_path):
    """The kept folder comes first: a doctored file named like the printed one, dropped beside, is not the reference."""
    redraw(copy, "other")
    beside = tmp_path / "in" / "other-name.pdf"
    shutil.copy(copy, beside)
    assert drawn_otherwise(checked(ws, beside))


def test_a_page_whose_stored_text_differs_is_left_to_the_text_comparison(ws, copy):
    """A printed PDF of another version would differ everywhere: only pages with the same text are compared."""
    writer = PdfWriter(clone_from=PdfReader(copy))
    writer.pages[3].merge_page(PdfReader(copy).pages[2])  # page 4 now also draws page 3's text
    writer.write(copy)
    doc = checked(ws, copy)
    assert "第4页存储的文字与打印件不同" in doc.how
    assert drawn_otherwise(doc) == []
