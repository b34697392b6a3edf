"""Office sheets that are tables rather than clauses (价目表, 定价审批表, 值班表): DOCX made with python-docx.

They are not pack documents: nobody signs wording on them that is read back, only figures and names. They
are converted to PDF like every document (`render/pdf.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FONT = "Noto Sans CJK SC"


def new_sheet(title: str, *, landscape: bool = False, size_pt: float = 9) -> Any:
    """Start a document with a CJK font, narrow margins and a bold centred title."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(size_pt)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(title)
    run.bold, run.font.size = True, Pt(16)
    return doc


def line(doc: Any, text: str, *, bold: bool = False) -> None:
    """Add a paragraph of plain text."""
    run = doc.add_paragraph().add_run(text)
    run.bold = bold


def table(doc: Any, header: list[str], rows: list[list[str]], *, repeat_header: bool = True) -> None:
    """Add a bordered table whose header row repeats on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    if repeat_header:
        mark = OxmlElement("w:tblHeader")
        mark.set(qn("w:val"), "true")
        t.rows[0]._tr.get_or_add_trPr().append(mark)
    for row in rows:
        for cell, text in zip(t.add_row().cells, row):
            cell.text = text
    doc.add_paragraph()  # tables one after another stay apart


def save(doc: Any, target: Path) -> Path:
    """Write the document (atomically: a half-written sheet is never left under its name)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    doc.save(str(part))
    part.replace(target)
    return target


def to_pdf(docx_files: list[Path], out_dir: Path) -> list[Path]:
    """Convert sheets to PDF when LibreOffice is there; return the PDFs written (none without it)."""
    from toolkit.render import pdf

    if not pdf.find_soffice():
        return []
    return pdf.convert(docx_files, out_dir)
