"""A PDF's running header is compared with the template's header, and a footer that does not say the true
page N of M is read as page text: words added to either, or a header changed, are clause.altered."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

from tests.read.test_pdf_seen import append_content
from toolkit import api

pytestmark = pytest.mark.pdf


def line_of(path: Path, page: int, text: str) -> tuple[float, float]:
    """Return the right end and the baseline (points) of a line of text on a page."""
    doc = pdfium.PdfDocument(str(path))
    tp = doc[page].get_textpage()
    k = tp.get_text_range().find(text)
    assert k >= 0, text
    box = tp.get_charbox(k + len(text) - 1)
    return box[2], box[1]


def prepend_content(path: Path, page_no: int, ops: bytes) -> None:
    """Draw something before the page's own content, so that it comes first in the text as read."""
    append_content(path, page_no, ops)
    writer = PdfWriter(clone_from=PdfReader(path))
    page = writer.pages[page_no]
    items = list(page["/Contents"].get_object())
    page[NameObject("/Contents")] = ArrayObject(items[-1:] + items[:-1])
    writer.write(path)


def altered(ws, path: Path) -> list:
    return [f for f in api.check(ws, [path]).findings if f.rule == "clause.altered"]


@pytest.mark.parametrize("words", [b"(\\267 NO REFUND)", b"(DEPOSIT NOT REFUNDABLE)"])
def test_words_added_to_the_running_header_are_altered(ws, pdf, words):
    x, y = line_of(pdf, 1, "商品房认购书")
    prepend_content(pdf, 1, b"BT 0 g /FX9 8 Tf %.2f %.2f Td %s Tj ET" % (x + 6, y, words))
    found = altered(ws, pdf)
    assert any(f.location == "第2页 页眉" and f.found for f in found), found


def test_a_header_drawn_in_place_of_the_real_one_is_altered(ws, pdf):
    """The header covered by a white box and another written over it: the reader sees the new one."""
    x, y = line_of(pdf, 0, "商品房认购书")
    cover = b"1 1 1 rg 60 %.2f %.2f 12 re f" % (y - 3, x - 55)
    append_content(pdf, 0, cover + b" BT 0 g /FX9 8 Tf 300 %.2f Td (OTHER PROJECT \\267 LEASE) Tj ET" % y)
    found = api.check(ws, [pdf]).findings
    assert any(f.rule == "clause.altered" and "OTHERPROJECT" in f.found.replace(" ", "") for f in found), found
    assert any(f.rule == "doc.hidden" and "商品房认购书" in f.found for f in found), found


def test_words_added_beside_the_page_footer_are_altered(ws, pdf):
    x, y = line_of(pdf, 2, "页")
    append_content(pdf, 2, b"BT 0 g /FX9 8 Tf %.2f %.2f Td (SEE SIDE LETTER) Tj ET" % (x + 30, y))
    found = altered(ws, pdf)
    assert any("SEESIDELETTER" in f.found.replace(" ", "") for f in found), found


def test_the_running_header_of_a_clean_pdf_is_silent(ws, clean_pdf):
    assert altered(ws, clean_pdf) == []
