"""A signed document's visible text, read from a DOCX's XML (read/docx.py) or a PDF as drawn (read/pdf.py)."""

from __future__ import annotations

import bisect
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from toolkit.pack.clauses import HARD, SOFT
from toolkit.read.docx import _PART_NAMES, active_content, read_parts
from toolkit.read.docx import _PARTS as _PART
from toolkit.read.filecache import file_bytes
from toolkit.read.shapes import Shape, shapes
from toolkit.text import normalize

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_PART = 50 * 1024 * 1024  # an uncompressed document.xml larger than this is not a sales form
_FOOTER = re.compile(r"^第(\d+)[页頁]共(\d+)[页頁]$")
_MARKUP = {
    "ins": "tracked insertion",
    "del": "tracked deletion",
    "moveFrom": "tracked move",
    "moveTo": "tracked move",
    "sdt": "content control",
    "commentRangeStart": "comment",
    "commentReference": "comment",
}


class UnreadableError(Exception):
    """The file cannot be read as a document; the message says why."""


@dataclass(frozen=True)
class Unit:
    """A paragraph or table cell (DOCX) or a page's text (PDF), normalised, with where it is."""

    text: str
    location: str
    bookmarks: tuple[str, ...] = ()


@dataclass
class DocumentText:
    """What a reader sees in a document, plus what a reader could miss."""

    path: Path
    kind: str
    units: list[Unit]
    header: list[str] = field(default_factory=list)  # DOCX: the header part's paragraphs; PDF: each page's line
    properties: dict[str, str] = field(default_factory=dict)
    markup: list[tuple[str, str, str]] = field(default_factory=list)
    parts: dict[str, list[str]] = field(default_factory=dict)  # header, footer, footnotes, endnotes, textbox
    hidden: list[tuple[str, str, str]] = field(default_factory=list)  # (where, how, text) a reader cannot see
    active: list[tuple[str, str]] = field(default_factory=list)  # (what, where): macros, links, scripts
    shapes: list[Shape] = field(default_factory=list)  # DOCX drawings: pictures, shapes, text boxes
    footers: list[str] = field(default_factory=list)  # a PDF's 第N页共M页 per page ('' where none): its order
    body: Any = field(default=None, repr=False, compare=False)  # DOCX: word/document.xml as parsed, for the checks
    _starts: list[int] = field(default_factory=list, repr=False)

    @property
    def stream(self) -> str:
        """Return the whole visible text as one normalised string, units separated by a break mark."""
        return (HARD if self.kind == "docx" else SOFT).join(u.text for u in self.units)

    def location_at(self, offset: int) -> str:
        """Name the paragraph, cell or page holding a position of the stream."""
        if not self._starts:
            pos, self._starts = 0, []
            for u in self.units:
                self._starts.append(pos)
                pos += len(u.text) + 1
        i = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        return self.units[i].location if self.units else ""


def read_document(path: Path) -> DocumentText:
    """Read a DOCX or PDF by its content (not its extension); raise UnreadableError with the reason."""
    path = Path(path)
    try:
        data = file_bytes(path)
    except OSError as exc:
        raise UnreadableError(f"无法打开文件：{exc.strerror or exc}") from None
    if data.startswith(b"%PDF"):
        return read_pdf(path, data)
    if data.startswith(b"PK"):
        return read_docx(path, data)
    raise UnreadableError("不是DOCX或PDF文件" + ("（空文件）" if not data else ""))


def read_docx(path: Path, data: bytes) -> DocumentText:
    """Read a DOCX: body paragraphs and table cells in order, headers, properties and risky markup."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            body = _xml(z, "word/document.xml")
            paragraphs, parts, reader = read_parts(z, _xml, body)
            props = _properties(z)
            comments = "word/comments.xml" in z.namelist()
            active = active_content(z, reader)
            drawn = shapes(body, "正文") + [s for n, label in _parts(z) for s in shapes(_xml(z, n), label)]
    except (zipfile.BadZipFile, KeyError, EOFError) as exc:
        raise UnreadableError(f"DOCX文件已损坏，无法读取（{exc.__class__.__name__}: {exc}）") from None
    doc = DocumentText(path, "docx", _units(paragraphs), properties=props, parts=parts, active=active)
    doc.header = parts.get("header", [])
    doc.hidden = [(where, how, normalize(text)) for where, how, text in reader.hidden if normalize(text)]
    doc.markup = _markup(body) + ([("comment", "word/comments.xml", "")] if comments else [])
    doc.shapes = drawn
    doc.body = body  # the checks that look at runs (clause.prominence) read it here, not from the file again
    return doc


def _parts(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Return the headers, footers and notes of a DOCX with their names as a reader calls them."""
    out = []
    for name in sorted(z.namelist()):
        m = _PART.match(name)
        if m:
            out.append((name, _PART_NAMES[m.group(1) or m.group(2)]))
    return out


def _xml(z: zipfile.ZipFile, name: str) -> etree._Element:
    info = z.getinfo(name)
    if info.file_size > MAX_PART:
        raise UnreadableError(f"{name}解压后为{info.file_size}字节，超过销售文件的合理大小")
    if info.flag_bits & 0x1:
        raise UnreadableError("DOCX文件已加密，请提交未加密的文件")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(z.read(name), parser)
    except etree.XMLSyntaxError as exc:
        raise UnreadableError(f"{name}的XML格式错误（{exc}）") from None
    if root is None or root.getroottree().docinfo.internalDTD is not None:
        raise UnreadableError(f"{name}声明了DTD（拒绝实体展开）")
    return root


def _units(paragraphs: list) -> list[Unit]:
    units = []
    tables: dict = {}  # each table of the part by its number, found once (not once per cell)
    for count, (p, seen) in enumerate(paragraphs, start=1):
        text = normalize(seen)
        if text:
            marks = tuple(b.get(f"{W}name") for b in p.iter(f"{W}bookmarkStart"))
            where = _cell(p, tables) or f"paragraph {count}"
            units.append(Unit(text, where, marks))
    return units


def _cell(p: etree._Element, tables: dict) -> str:
    tc = next((a for a in p.iterancestors(f"{W}tc")), None)
    if tc is None:
        return ""
    tr = tc.getparent()
    tbl = tr.getparent()
    if tbl not in tables:
        tables.clear()  # (the proxies stay alive in the dict, so the same table is found under the same key)
        tables.update((t, i) for i, t in enumerate(tbl.getroottree().getroot().iter(f"{W}tbl"), start=1))
    return f"table {tables[tbl]} row {tbl.index(tr)} cell {tr.index(tc)}"


def _markup(root: etree._Element) -> list[tuple[str, str, str]]:
    found = []
    for tag, label in _MARKUP.items():
        for el in root.iter(f"{W}{tag}"):
            text = "".join(t.text or "" for t in el.iter(f"{W}t", f"{W}delText"))
            found.append((label, tag, text[:80]))
    return found


def _properties(z: zipfile.ZipFile) -> dict[str, str]:
    if "docProps/custom.xml" not in z.namelist():
        return {}
    root = etree.fromstring(z.read("docProps/custom.xml"), etree.XMLParser(resolve_entities=False))
    out = {}
    for prop in root:
        name = prop.get("name", "")
        if name.startswith("loupan."):
            out[name[len("loupan.") :]] = "".join(prop.itertext())
    return out


def read_pdf(path: Path, data: bytes) -> DocumentText:
    """Read a PDF's drawn text page by page, dropping the running header and the page footer."""
    from toolkit.read.pdf import PdfError, drawn_pages, pdf_meta  # pypdfium2, pypdf, numpy: for PDFs only

    try:
        pages, hidden, annotated = drawn_pages(data)
        meta, active = pdf_meta(data, annotated)
    except PdfError as exc:
        raise UnreadableError(str(exc)) from None
    if not any(p.strip() for p in pages):
        raise UnreadableError("PDF没有文字层，也不是可识别的扫描件：请从DOCX重新打印，或提交带二维码的扫描件")
    doc = DocumentText(path, "pdf", [], properties=_pdf_properties(meta), active=active)
    doc.hidden = [(where, how, normalize(text)) for where, how, text in hidden if normalize(text)]
    doc.units = [Unit(_pdf_text(text), f"page {i}") for i, text in enumerate(_strip_running(pages, doc), start=1)]
    return doc


def _pdf_text(text: str) -> str:
    """Normalise a page, keeping each break the extraction made as SOFT: it may end a paragraph or a cell."""
    return SOFT.join(piece for piece in (normalize(p) for p in text.split()) if piece)


def _strip_running(pages: list[str], doc: DocumentText) -> list[str]:
    """Drop each page's header line (kept in doc.header) and its 第 N 页 共 M 页 footer (when N and M are true).

    A footer with another page number or count stays in the page's text, where the comparison reports it, unless
    every page's footer gives one count: then the pages are missing or out of order (checks/pages.py says which).
    """
    out = []
    counts = {_count(text) for text in pages}
    for n, text in enumerate(pages, start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        found = _FOOTER.match(normalize(lines[-1])) if lines else None
        doc.footers.append(normalize(lines[-1]) if found else "")
        if found and _true_footer(int(found[1]), int(found[2]), n, len(pages), counts):
            lines = lines[:-1]
        doc.header.append(normalize(lines.pop(0)) if lines and "·" in normalize(lines[0]) else "")
        out.append("\n".join(lines))
    return out


def _count(page: str) -> int | None:
    """Return the M of a page's 第 N 页 共 M 页 footer, None when it has none."""
    lines = [line for line in page.splitlines() if line.strip()]
    found = _FOOTER.match(normalize(lines[-1])) if lines else None
    return int(found[2]) if found else None


def _true_footer(number: int, count: int, n: int, pages: int, counts: set[int | None]) -> bool:
    """Say whether a footer is the page's own: its true number, or one count on every page (pages moved or gone)."""
    return (number, count) == (n, pages) or (counts == {count} and 1 <= number <= count)


def _pdf_properties(meta: dict[str, str]) -> dict[str, str]:
    keys = {
        "/LoupanDocumentId": "document_id",
        "/LoupanDocument": "document",
        "/LoupanPack": "pack",
        "/LoupanPackVersion": "pack_version",
        "/LoupanTemplateSha256": "template_sha256",
        "/LoupanInputSha256": "input_sha256",
        "/LoupanTerms": "terms",
        "/LoupanScript": "script",
    }
    return {name: meta[key] for key, name in keys.items() if key in meta}


def terms_property(doc: DocumentText) -> dict[str, str]:
    """Return the key terms the renderer recorded in the document's properties."""
    try:
        return json.loads(doc.properties.get("terms", "{}"))
    except ValueError:
        return {}
