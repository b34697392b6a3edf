"""Print marks: a QR code and its text in the bottom-right margin of every page of a rendered PDF.

The code names the document, the pack version, the page (N/M) and a short hash of the page's text, so a
signed scan or photo can be matched page by page with the PDF that was printed (toolkit/scan).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import segno
from PIL import Image, ImageDraw, ImageFont
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    BooleanObject,
    ContentStream,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

PREFIX = "LP1"
MM = 72 / 25.4
QR_SIZE = 16 * MM  # 29 modules (version 3) → 0.55 mm modules: read from degraded 150 dpi scans
# Below the body text (which ends 23 mm above the page edge) and right of the centred page number; 14 mm
# from the right edge, because printers leave 4-5 mm unprinted and scans and photos crop edges.
QR_RIGHT = 30 * MM  # from the right page edge to the code's left edge
QR_BOTTOM = 5 * MM
TEXT_SIZE = 6.0  # height of the label in points
LABEL_DPI = 600
MARKED = "/LoupanMarks"
_PAYLOAD = re.compile(r"^LP1 (\S+) (\S+) (\d+)/(\d+) ([0-9A-F]{6})$")


@dataclass(frozen=True)
class Mark:
    """What a page's QR code says."""

    document_id: str
    version: str
    page: int
    pages: int
    text_hash: str

    def payload(self) -> str:
        """Return the code's text: upper case, so it fits QR's compact alphanumeric mode."""
        return f"{PREFIX} {self.document_id.upper()} {self.version} {self.page}/{self.pages} {self.text_hash}"


def parse_payload(text: str) -> Mark | None:
    """Read a QR code's text; None when it is not one of ours."""
    m = _PAYLOAD.match(text.strip())
    if not m:
        return None
    return Mark(m[1], m[2], int(m[3]), int(m[4]), m[5])


def page_hash(text: str, marks_text: str = "") -> str:
    """Hash a page's text without whitespace and without the mark's own text."""
    if marks_text:
        text = text.replace(marks_text, "")
    flat = re.sub(r"\s+", "", text)
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()[:6].upper()


def mark_label(mark: Mark, pack: str) -> str:
    """Return the small text printed beside the code."""
    return f"{mark.document_id} {pack} {mark.version} p.{mark.page}/{mark.pages} {mark.text_hash}"


def qr_rect(width: float) -> tuple[float, float, float, float]:
    """Return the code's rectangle (left, bottom, right, top) in PDF points on a page of this width."""
    left = width - QR_RIGHT
    return left, QR_BOTTOM, left + QR_SIZE, QR_BOTTOM + QR_SIZE


def add_marks(pdf: Path, document_id: str, pack: str, version: str) -> list[Mark]:
    """Draw each page's QR code and label into the PDF, in place; return the marks."""
    texts = _page_texts(pdf)
    reader = PdfReader(pdf)
    writer = PdfWriter(clone_from=reader)
    marks = [Mark(document_id, version, i + 1, len(texts), page_hash(t)) for i, t in enumerate(texts)]
    for page, mark in zip(writer.pages, marks):
        _overlay(writer, page, mark, pack)
    writer.add_metadata({MARKED: "1"})
    tmp = pdf.with_suffix(".pdf.tmp")
    with tmp.open("wb") as f:
        writer.write(f)
    tmp.replace(pdf)
    return marks


def _label_image(writer: PdfWriter, label: str):
    """Draw the label as a 1-bit image mask: visible to people, but not text a reader would take as wording."""
    px = int(TEXT_SIZE / 72 * LABEL_DPI)
    font = ImageFont.load_default(size=px)
    left, top, right, bottom = font.getbbox(label)
    im = Image.new("1", (int(right) + 2, px + 2), 1)
    ImageDraw.Draw(im).text((1, 1), label, font=font, fill=0)
    stream = StreamObject()
    stream.set_data(im.tobytes())
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(im.width),
            NameObject("/Height"): NumberObject(im.height),
            NameObject("/ImageMask"): BooleanObject(True),
            NameObject("/BitsPerComponent"): NumberObject(1),
        }
    )
    return writer._add_object(stream), im.width * TEXT_SIZE / im.height


def _page_texts(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def _overlay(writer: PdfWriter, page: PageObject, mark: Mark, pack: str) -> None:
    width = float(page.mediabox.width)
    left, bottom, _, _ = qr_rect(width)
    qr = segno.make(mark.payload(), error="m", micro=False)
    rows = [list(r) for r in qr.matrix]
    cell = QR_SIZE / len(rows)
    ops = ["q 0 g"]
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                ops.append(f"{left + x * cell:.3f} {bottom + QR_SIZE - (y + 1) * cell:.3f} {cell:.3f} {cell:.3f} re")
    ops.append("f Q")
    label = mark_label(mark, pack)
    image, w_pt = _label_image(writer, label)
    text_x = left - 2 * MM - w_pt
    ops.append(f"q {w_pt:.2f} 0 0 {TEXT_SIZE:.2f} {text_x:.2f} {bottom:.2f} cm /LPLabel Do Q")
    overlay = PageObject.create_blank_page(width=width, height=float(page.mediabox.height))
    overlay[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/LPLabel"): image})}
    )
    stream = ContentStream(None, writer)
    stream.set_data("\n".join(ops).encode("ascii"))
    overlay[NameObject("/Contents")] = writer._add_object(stream)
    page.merge_page(overlay)
