"""Pages missing, repeated or out of order in a text PDF: one scan.pages finding naming them, no cascade."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from tests.conftest import require_soffice
from toolkit import api

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"


@pytest.fixture(scope="module")
def printed(tmp_path_factory, ws) -> Path:
    require_soffice()
    out = tmp_path_factory.mktemp("pages")
    api.render(ws, deals=[DEAL], docs=["contract"], out=out, pdf=True)
    return out / "CHY-2026-0001-contract.pdf"


def _pages(source: Path, target: Path, order: list[int], keep_properties: bool = False) -> Path:
    """Write the pages (1-based) in the given order; without the properties, as a PDF printed by another tool."""
    reader, writer = PdfReader(source), PdfWriter()
    for n in order:
        writer.add_page(reader.pages[n - 1])
    if keep_properties:
        writer.add_metadata(reader.metadata)
    writer.write(target)
    return target


def _all(printed: Path) -> list[int]:
    return list(range(1, len(PdfReader(printed).pages) + 1))


@pytest.mark.parametrize(
    "name, change, named",
    [
        ("page-4-out", lambda p: [n for n in p if n != 4], "第4页"),
        ("page-8-out", lambda p: [n for n in p if n != 8], "第8页"),
        ("pages-4-5-swapped", lambda p: [1, 2, 3, 5, 4, *p[5:]], "第4、5页"),
        ("page-6-twice", lambda p: [*p[:6], 6, *p[6:]], "第6页"),
    ],
)
def test_a_page_missing_moved_or_repeated_is_one_finding_naming_it(ws, printed, tmp_path, name, change, named):
    for keep in (True, False):  # with its provenance, and printed to another PDF without it
        pdf = _pages(printed, tmp_path / f"{name}-{keep}.pdf", change(_all(printed)), keep)
        findings = api.check(ws, [pdf]).findings
        assert [(f.rule, f.location) for f in findings] == [("scan.pages", named)], findings


def test_the_clauses_of_a_page_taken_out_are_listed_under_the_page_finding(ws, printed, tmp_path):
    pdf = _pages(printed, tmp_path / "out.pdf", [n for n in _all(printed) if n != 4])
    (f,) = api.check(ws, [pdf]).findings
    assert f.extra["missing"] == [4] and len(f.extra["clauses"]) > 5 and "缺少第4页" in f.message


def test_the_pages_in_order_check_clean_with_or_without_provenance(ws, printed, tmp_path):
    assert api.check(ws, [printed]).findings == []
    assert api.check(ws, [_pages(printed, tmp_path / "plain.pdf", _all(printed))]).findings == []
