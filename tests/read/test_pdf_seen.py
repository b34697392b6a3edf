"""A PDF is judged by what is drawn: each way of hiding, covering or cropping text, and active content, is tried
in several constructions on a freshly rendered and converted 认购书 (LibreOffice required)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from toolkit import api
from toolkit.read.pdf import INFO_KEYS, markers, pdf_meta, plain_structure

pytestmark = pytest.mark.pdf


def where_double(path: Path) -> tuple[int, tuple[float, float, float, float]]:
    """Return the page (0-based) and box, in points, of 双倍 in 出卖人应当双倍返还定金."""
    doc = pdfium.PdfDocument(str(path))
    for i, page in enumerate(doc):
        tp = page.get_textpage()
        k = tp.get_text_range().find("应当双倍返还定金")
        if k >= 0:
            a, b = tp.get_charbox(k + 2), tp.get_charbox(k + 3)
            return i, (a[0] - 0.5, min(a[1], b[1]) - 1, b[2] + 0.5, max(a[3], b[3]) + 1)
    raise AssertionError("clause not found")


def append_content(path: Path, page_no: int, ops: bytes, incremental: bool = False) -> None:
    writer = PdfWriter(str(path), incremental=True) if incremental else PdfWriter(clone_from=PdfReader(path))
    page = writer.pages[page_no]
    stream = DecodedStreamObject()
    stream.set_data(b"q " + ops + b" Q")
    ref = writer._add_object(stream)
    contents = page.get("/Contents")
    items = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject(items + [ref])
    fonts = page["/Resources"].get_object().setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    fonts[NameObject("/FX9")] = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    writer.write(path)


def add_annotation(path: Path, page_no: int, box, subtype: str, fill: bytes = b"1 1 1 rg", incremental=True) -> None:
    writer = PdfWriter(str(path), incremental=True) if incremental else PdfWriter(clone_from=PdfReader(path))
    x0, y0, x1, y1 = box
    ap = DecodedStreamObject()
    ap.set_data(fill + b" 0 0 %.2f %.2f re f" % (x1 - x0, y1 - y0))
    ap.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject([0, 0, x1 - x0, y1 - y0]),
        }
    )
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): RectangleObject([x0, y0, x1, y1]),
            NameObject("/F"): NumberObject(4),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(ap)}),
            NameObject("/IC"): ArrayObject([FloatObject(1), FloatObject(1), FloatObject(1)]),
        }
    )
    writer.add_annotation(page_no, annot)
    writer.write(path)


def check(ws, path: Path):
    result = api.check(ws, [path])
    return {f.rule for f in result.findings if f.severity == "error"}, result.findings


def double_lost(findings) -> bool:
    return any(f.rule == "clause.altered" and "双倍" in f.expected and "双倍" not in f.found for f in findings)


def test_the_clean_pdf_checks_clean(ws, clean_pdf):
    assert api.check(ws, [clean_pdf]).findings == []


STORED_NOT_SEEN = [
    b"BT 3 Tr /FX9 10 Tf 100 100 Td (HIDDEN TEXT) Tj ET",
    b"BT 7 Tr /FX9 10 Tf 100 100 Td (CLIPPED TEXT) Tj ET",
    b"BT 1 1 1 rg /FX9 10 Tf 100 100 Td (WHITE TEXT) Tj ET",
    b"BT 0.99 0.99 0.98 rg /FX9 10 Tf 100 100 Td (ALMOST WHITE) Tj ET",
    b"BT /FX9 0.5 Tf 100 100 Td (TINY TEXT) Tj ET",
    b"BT 0.05 0 0 0.05 100 100 Tm /FX9 10 Tf (SCALED DOWN) Tj ET",
    b"BT /FX9 10 Tf -900 100 Td (OFF THE PAGE) Tj ET",
    b"BT /FX9 10 Tf 100 5000 Td (ABOVE THE PAGE) Tj ET",
]


@pytest.mark.parametrize("ops", STORED_NOT_SEEN, ids=lambda o: o.decode()[-22:])
@pytest.mark.parametrize("incremental", [False, True])
def test_text_stored_but_not_drawn_is_doc_hidden(ws, pdf, ops, incremental):
    append_content(pdf, 0, ops, incremental)
    rules, findings = check(ws, pdf)
    assert "doc.hidden" in rules
    assert not any(f.rule == "clause.altered" for f in findings)


@pytest.mark.parametrize("fill", [b"1 1 1 rg", b"0 0 0 rg", b"0.9 0.9 0.9 rg"])
def test_a_filled_shape_drawn_over_a_clause_hides_its_words(ws, pdf, fill):
    page, (x0, y0, x1, y1) = where_double(pdf)
    append_content(pdf, page, fill + b" %.2f %.2f %.2f %.2f re f" % (x0, y0, x1 - x0, y1 - y0))
    rules, findings = check(ws, pdf)
    assert double_lost(findings) and "doc.hidden" in rules


@pytest.mark.parametrize("subtype", ["/Square", "/FreeText", "/Stamp"])
def test_an_annotation_added_in_an_update_over_a_clause_is_seen(ws, pdf, subtype):
    page, box = where_double(pdf)
    add_annotation(pdf, page, box, subtype)
    assert pdf.read_bytes().count(b"%%EOF") == 2
    rules, findings = check(ws, pdf)
    assert double_lost(findings)


@pytest.mark.parametrize("incremental", [False, True])
def test_a_crop_box_that_cuts_a_clause_out_of_view_is_seen(ws, pdf, incremental):
    page, (x0, y0, x1, y1) = where_double(pdf)
    writer = PdfWriter(str(pdf), incremental=True) if incremental else PdfWriter(clone_from=PdfReader(pdf))
    media = writer.pages[page].mediabox
    writer.pages[page].cropbox = RectangleObject([media.left, y1 + 2, media.right, media.top])
    writer.write(pdf)
    rules, findings = check(ws, pdf)
    assert double_lost(findings) and "doc.hidden" in rules


def test_javascript_is_doc_active(ws, pdf):
    writer = PdfWriter(clone_from=PdfReader(pdf))
    js = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(js)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    writer.write(pdf)
    assert "doc.active" in check(ws, pdf)[0]


def test_an_attachment_is_doc_active(ws, pdf):
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.add_attachment("side-letter.txt", "出卖人不承担责任".encode())
    writer.write(pdf)
    assert "doc.active" in check(ws, pdf)[0]


def test_an_open_action_running_a_script_is_doc_active(ws, pdf):
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): NameObject("/calc.exe")}
    )
    writer.write(pdf)
    assert "doc.active" in check(ws, pdf)[0]


def test_a_script_named_with_an_escape_is_doc_active(ws, pdf):
    """/J#61vaScript is /JavaScript to a viewer: the quick look at the bytes sends the file to the full parse."""
    writer = PdfWriter(clone_from=PdfReader(pdf))
    js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")})
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(js)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    writer.write(pdf)
    data = pdf.read_bytes()
    assert data.count(b"/JavaScript") == 2
    pdf.write_bytes(data.replace(b"/JavaScript", b"/J#61vaScript"))  # offsets move: readers rebuild the table
    assert b"#" in markers(pdf.read_bytes()) and not plain_structure(pdf.read_bytes())
    assert "doc.active" in check(ws, pdf)[0]


def test_the_quick_look_at_the_bytes_tells_a_page_destination_from_an_action():
    assert plain_structure(b"%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction [3 0 R /XYZ null null 0] >>")
    assert not plain_structure(b"%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 5 0 R >>")
    assert not plain_structure(b"%PDF-1.7\n1 0 obj << /Type /ObjStm /N 3 >>")
    assert not plain_structure(b"%PDF-1.7\ntrailer << /Encrypt 9 0 R >>")
    assert not plain_structure(b"%PDF-1.7\n<< /S /Launch /F (calc.exe) >>")
    assert plain_structure(b"%PDF-1.7\n<< /JSON (a name that only starts like it) /AAA 1 >>")


def test_the_fast_metadata_read_gives_what_the_full_parse_gives(printed_pdf):
    data = printed_pdf.read_bytes()
    assert plain_structure(data)  # what the renderer writes takes the fast path
    fast, active = pdf_meta(data, [])
    reader = PdfReader(printed_pdf)
    full = {str(k): str(v) for k, v in reader.metadata.items()}
    assert active == [] and fast["/LoupanTerms"] == full["/LoupanTerms"]
    assert {k: v for k, v in full.items() if k[1:] in INFO_KEYS and v} == fast
