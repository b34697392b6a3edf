"""Read a DOCX as a reader sees it: body, headers, footers, notes and text boxes, hidden runs set apart."""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from toolkit.read.visible import Styles, W, effective, load_styles, run_props, why_hidden
from toolkit.text import normalize

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MAX_KEPT = 1 << 20  # styles.xml above this size is read afresh each time (and refused by the part size cap)
PAGE_FIELDS = ("PAGE", "NUMPAGES", "SECTIONPAGES")  # computed when displayed: their results are page numbers
_PARTS = re.compile(r"word/(header|footer)\d*\.xml$|word/(footnotes|endnotes)\.xml$")
_ACTIVE_PARTS = re.compile(r"(vbaProject|vbaData)\.bin$|/embeddings/|/activeX/|\.bin$", re.I)
_PART_NAMES = {"header": "页眉", "footer": "页脚", "footnotes": "脚注", "endnotes": "尾注", "textbox": "文本框"}


class Reader:
    """Visible text of WordprocessingML paragraphs, with the styles of their document."""

    def __init__(self, styles: Styles):
        self.styles = styles
        self.hidden: list[tuple[str, str, str]] = []  # (where, how, text)
        self.fields: list[tuple[str, str, str]] = []  # (where, instruction, result)
        self.boxes: list[etree._Element] = []

    def paragraph(self, p: etree._Element, where: str) -> str:
        """Return what a reader sees of a paragraph; keep hidden runs, fields and text boxes aside."""
        ppr = p.find(f"{W}pPr")
        p_style = _val(ppr, "pStyle")
        behind = _fill(ppr) or _cell_fill(p) or "FFFFFF"
        out: list[str] = []
        fields: list[list] = []  # complex fields: [instruction, result, past the separator]
        simple: dict = {}  # simple fields: element -> [instruction, result, True]
        for el in _own(p):
            if el.tag == f"{W}txbxContent":
                self.boxes.append(el)
            elif el.tag == f"{W}fldSimple":
                simple[el] = [el.get(f"{W}instr", ""), "", True]
            elif el.tag == f"{W}r":
                # a run directly in the paragraph is in none of its simple fields (they lie inside it)
                holder = None if el.getparent() is p else next(el.iterancestors(f"{W}fldSimple"), None)
                self._run(el, p_style, behind, where, out, [simple[holder]] if holder in simple else fields)
        for instr, result, _ in fields + list(simple.values()):
            self.fields.append((where, instr.strip(), result))
        return "".join(out)

    def _run(self, r, p_style: str, behind: str, where: str, out: list, fields: list) -> None:
        rpr = r.find(f"{W}rPr")
        props = effective(self.styles, p_style, _val(rpr, "rStyle"), run_props(rpr))
        text = "".join(t.text or "" for t in r.iter(f"{W}t") if t.getparent() is r or _owner_run(t) is r)
        for fc in r.iter(f"{W}fldChar"):
            kind = fc.get(f"{W}fldCharType")
            if kind == "begin":
                fields.append(["", "", False])
            elif kind == "separate" and fields:
                fields[-1][2] = True
            elif kind == "end" and fields:
                self.fields.append((where, fields[-1][0].strip(), fields.pop()[1]))
        for it in r.iter(f"{W}instrText"):
            if fields:
                fields[-1][0] += it.text or ""
        if not text:
            return
        if fields and fields[-1][2]:
            fields[-1][1] += text
            if _name(fields[-1][0]) in PAGE_FIELDS:
                return  # a page number: computed when shown, never compared
        how = why_hidden(props, behind)
        if how:
            self.hidden.append((where, how, text))
        else:
            out.append(text)


def read_parts(z: zipfile.ZipFile, xml, root) -> tuple[list, dict[str, list[str]], Reader]:
    """Return the body's paragraphs (element, visible text), the other parts' visible paragraphs, and the reader."""
    names = z.namelist()
    styles = _styles(z, xml) if "word/styles.xml" in names else load_styles(None)
    reader = Reader(styles)
    body = root.find(f"{W}body")
    paragraphs = []
    for i, p in enumerate(_paragraphs(body), start=1):
        paragraphs.append((p, reader.paragraph(p, f"paragraph {i}")))
    parts: dict[str, list[str]] = {}
    for name, m in ((n, _PARTS.match(n)) for n in sorted(names)):
        if m is None:
            continue
        kind = m.group(1) or m.group(2)
        for p in _paragraphs(xml(z, name)):
            text = normalize(reader.paragraph(p, _PART_NAMES[kind]))
            if text:
                parts.setdefault(kind, []).append(text)
    boxes, reader.boxes = reader.boxes, []
    for box in boxes:
        for p in _paragraphs(box):
            text = normalize(reader.paragraph(p, _PART_NAMES["textbox"]))
            if text:
                parts.setdefault("textbox", []).append(text)
    return paragraphs, parts, reader


_STYLES: dict[bytes, Styles] = {}  # styles.xml as read -> its styles: documents of one template share them
STYLES_KEPT = 8


def _styles(z: zipfile.ZipFile, xml) -> Styles:
    """Return the styles of word/styles.xml, read once for the same bytes (each new one checked as any part)."""
    info = z.getinfo("word/styles.xml")
    if info.flag_bits & 0x1 or info.file_size > MAX_KEPT:
        return load_styles(xml(z, "word/styles.xml"))  # refused there with the reason
    raw = z.read("word/styles.xml")
    if raw not in _STYLES:
        styles = load_styles(xml(z, "word/styles.xml"))
        if len(_STYLES) >= STYLES_KEPT:
            _STYLES.pop(next(iter(_STYLES)))
        _STYLES[raw] = styles
    return _STYLES[raw]


def active_content(z: zipfile.ZipFile, reader: Reader) -> list[tuple[str, str]]:
    """List macros, embedded objects, external relationships and unexpected fields: (what, where)."""
    found = [("宏或嵌入对象", n) for n in z.namelist() if _ACTIVE_PARTS.search(n)]
    for name in (n for n in z.namelist() if n.endswith(".rels")):
        data = z.read(name)
        if b"External" in data:
            for rel in etree.fromstring(data, etree.XMLParser(resolve_entities=False)):
                if rel.get("TargetMode") == "External":
                    found.append(("外部链接", f"{name}: {rel.get('Target', '')[:80]}"))
    for where, instr, result in reader.fields:
        name = _name(instr)
        if name not in PAGE_FIELDS:
            found.append(("域代码", f"{where}: {instr[:80]}"))
        elif result.strip() and not result.strip().isdigit():
            found.append(("域结果与域代码不符", f"{where}: {instr} → {result[:40]}"))
    return found


def _paragraphs(root):
    """Yield the paragraphs of a part in order, those inside text boxes and fallback content left out."""
    if root is None:
        return
    for p in root.iter(f"{W}p"):
        outer = next(p.iterancestors(f"{W}txbxContent", f"{MC}Fallback"), None)
        if outer is None or outer is root:
            yield p


def _own(p):
    """Yield a paragraph's runs, simple fields and text boxes, not those of nested paragraphs or deletions."""
    for el in p.iter(f"{W}r", f"{W}fldSimple", f"{W}txbxContent"):
        if el.getparent() is p:  # most runs: the paragraph's own child
            yield el
            continue
        owner = next((a for a in el.iterancestors(f"{W}p", f"{W}del", f"{MC}Fallback", f"{W}txbxContent")), None)
        if owner is p or (el.tag == f"{W}txbxContent" and _in_choice(el, p)):
            yield el


def _in_choice(box, p) -> bool:
    """Tell whether a text box belongs to this paragraph (not a nested one) and is not fallback content."""
    for a in box.iterancestors():
        if a.tag == f"{MC}Fallback":
            return False
        if a.tag == f"{W}p":
            return a is p
    return False


def _owner_run(t):
    return next(t.iterancestors(f"{W}r"), None)


def _val(pr, name: str) -> str:
    el = pr.find(f"{W}{name}") if pr is not None else None
    return el.get(f"{W}val", "") if el is not None else ""


def _fill(pr) -> str:
    shd = pr.find(f"{W}shd") if pr is not None else None
    fill = shd.get(f"{W}fill") if shd is not None else None
    return fill if fill not in (None, "auto") else ""


def _cell_fill(p) -> str:
    tc = next(p.iterancestors(f"{W}tc"), None)
    return _fill(tc.find(f"{W}tcPr")) if tc is not None else ""


def _name(instr: str) -> str:
    parts = instr.split()
    return parts[0].upper() if parts else ""
