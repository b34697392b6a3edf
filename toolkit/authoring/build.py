"""Build a DOCX template from its source: A4, CJK fonts on the eastAsia slot, clause ids as bookmarks."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from toolkit.authoring.source import Block, parse_source

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
TEXT_WIDTH_CM = 16
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_SIZES = {"title": 18, "subtitle": 10.5, "chapter": 14, "article": 12}


def build_docx(source: Path, target: Path, *, title: str, header: str) -> list[str]:
    """Build `target` from `source`; return the clause ids written, in order."""
    blocks = parse_source(source)
    doc = Document()
    _setup(doc, title, header)
    bookmark = 0
    for block in blocks:
        bookmark = _add(doc, block, bookmark)
    buf = io.BytesIO()
    doc.save(buf)
    target.write_bytes(_deterministic(buf.getvalue()))
    return [b.clause_id for b in blocks if b.kind == "clause"]


def _setup(doc, title: str, header: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    _fonts(doc.styles["Normal"], SERIF, 10.5)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.35
    doc.styles["Normal"].paragraph_format.space_after = Pt(3)
    _fonts(doc.styles["Table Grid"], SERIF, 9)
    _doc_defaults(doc)
    props = doc.core_properties
    props.title, props.author, props.revision = title, "loupan", 1
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.last_modified_by = "loupan"
    _header_footer(section, header)


def _fonts(style, family: str, size: float) -> None:
    style.font.name = family
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), family)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)


def _doc_defaults(doc) -> None:
    """Set the eastAsia font in the document defaults too, so no theme font (MS Mincho) leaks in."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), SERIF)


def _header_footer(section, header: str) -> None:
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(head, header, size=8)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(foot, "第 ", size=8)
    _field(foot, "PAGE")
    _run(foot, " 页 共 ", size=8)
    _field(foot, "NUMPAGES")
    _run(foot, " 页", size=8)


def _field(paragraph, code: str) -> None:
    run = _run(paragraph, "", size=8)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {code} ")
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    fld.append(inner)
    run._r.addnext(fld)


def _run(paragraph, text: str, *, bold: bool = False, size: float | None = None, font: str | None = None):
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if font:
        run.font.name = font
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _add(doc, block: Block, bookmark: int) -> int:
    if block.kind == "table":
        _table(doc, block.rows)
    elif block.kind == "pagebreak":
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif block.kind in _SIZES:
        _heading(doc, block)
    else:
        p = doc.add_paragraph()
        _run(p, block.text, bold=block.bold)
        if block.kind == "clause":
            p.paragraph_format.first_line_indent = Pt(21)
            _bookmark(p, block.clause_id, bookmark)
            return bookmark + 1
    return bookmark


def _heading(doc, block: Block) -> None:
    p = doc.add_paragraph()
    centred = block.kind in ("title", "subtitle", "chapter")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_before = Pt(0 if block.kind == "subtitle" else 8)
    p.paragraph_format.space_after = Pt(10 if block.kind == "title" else 4)
    font = None if block.kind == "subtitle" else SANS
    _run(p, block.text, bold=block.kind != "subtitle", size=_SIZES[block.kind], font=font)


def _bookmark(paragraph, name: str, number: int) -> None:
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(number))
    ppr = paragraph._p.find(qn("w:pPr"))
    (ppr.addnext(start) if ppr is not None else paragraph._p.insert(0, start))
    paragraph._p.append(end)


def _table(doc, rows: list[list[str]]) -> None:
    weights, rows = _weights(rows)
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=0, cols=width)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, cells in enumerate(rows):
        row = table.add_row()
        for j in range(width):
            paragraph = row.cells[j].paragraphs[0]
            _run(paragraph, cells[j] if j < len(cells) else "", bold=i == 0)
    if weights:
        _widths(table, weights)
    doc.add_paragraph()


def _weights(rows: list[list[str]]) -> tuple[list[int], list[list[str]]]:
    """Split off a leading `|~2|~5|` row of relative column widths, if there is one."""
    if rows and all(re.fullmatch(r"~\d+", c) for c in rows[0]):
        return [int(c[1:]) for c in rows[0]], rows[1:]
    return [], rows


def _widths(table, weights: list[int]) -> None:
    total = sum(weights)
    for j, column in enumerate(table.columns):
        width = Cm(TEXT_WIDTH_CM * weights[j] / total) if j < len(weights) else Cm(2)
        column.width = width
        for cell in column.cells:
            cell.width = width


def _deterministic(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps so the same source builds the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build_aside(pack_dir: Path, documents: dict, tmp: Path) -> tuple[dict[str, Path], dict[str, int]]:
    """Build the documents that have a source into tmp; return their paths and clause counts."""
    built, counts = {}, {}
    for doc_id, spec in documents.items():
        if not spec.get("source"):
            continue
        title = str(spec.get("title", doc_id))
        target = tmp / f"{doc_id}.docx"
        ids = build_docx(pack_dir / spec["source"], target, title=title, header=header(title))
        built[doc_id], counts[doc_id] = target, len(ids)
    return built, counts


def header(title: str) -> str:
    """Return the page header a built template carries: the project's name and the document's title."""
    return "{{ project.name | text }} · " + title
