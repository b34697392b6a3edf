"""Drawings in a DOCX: pictures, shapes and text boxes, floating or in line, as a reader sees them on the page.

The text comparison cannot see what a drawing shows or hides: a white rectangle floating over a clause, a
picture of other words, a shape behind text in the text's colour. Each drawing is reported by how it sits:
over or behind the text (it may hide words: doc.hidden) or beside it, in line or wrapped (it adds something the
template does not have: clause.altered). A shape with both DrawingML and VML forms counts once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from toolkit.read.visible import W
from toolkit.text import normalize

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
V = "{urn:schemas-microsoft-com:vml}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_WRAPS = ("wrapSquare", "wrapTight", "wrapThrough", "wrapTopAndBottom")
_VML_SHAPES = ("shape", "rect", "roundrect", "oval", "line", "polyline", "arc", "curve", "group", "image")


@dataclass(frozen=True)
class Shape:
    """One drawing: where it is anchored, what it is, how it sits, and the words it holds."""

    where: str  # the part and the start of the paragraph it is anchored to
    what: str  # 图片, 图形, 文本框
    sits: str  # over, behind or beside (in line, wrapped)
    text: str

    @property
    def may_hide(self) -> bool:
        """Tell whether the drawing lies over or under the text, where it can hide words."""
        return self.sits in ("浮于文字上方", "衬于文字下方")


def shapes(root: etree._Element | None, part: str) -> list[Shape]:
    """Return the drawings of one part (body, header, …), fallback copies left out."""
    if root is None:
        return []
    out = []
    for el in root.iter(f"{W}drawing", f"{W}pict", f"{W}object"):
        if next(el.iterancestors(f"{MC}Fallback"), None) is not None:
            continue  # the VML copy of a shape already read in its mc:Choice
        if next(el.iterancestors(f"{W}drawing", f"{W}pict"), None) is not None:
            continue  # a drawing inside a drawing's text box is part of it
        kind = _drawing(el) if el.tag == f"{W}drawing" else _vml(el)
        if kind:
            out.append(Shape(_where(el, part), kind[0], kind[1], _text(el)))
    return out


def _drawing(el) -> tuple[str, str] | None:
    anchor = el.find(f"{WP}anchor")
    graphic = etree.tostring(el)
    what = "文本框" if b"txbx" in graphic else "图片" if b"pic:pic" in graphic or b"blip" in graphic else "图形"
    if anchor is None:
        return what, "嵌入在文字中"
    if anchor.get("behindDoc") in ("1", "true"):
        return what, "衬于文字下方"
    if any(anchor.find(f"{WP}{w}") is not None for w in _WRAPS):
        return what, "文字环绕"
    return what, "浮于文字上方"


def _vml(el) -> tuple[str, str] | None:
    shape = next((c for c in el.iter() if isinstance(c.tag, str) and c.tag[len(V) :] in _VML_SHAPES), None)
    if shape is None:
        return None
    style = (shape.get("style") or "").replace(" ", "").lower()
    text = shape.find(f".//{V}textbox") is not None
    what = "文本框" if text else "图片" if shape.find(f".//{V}imagedata") is not None else "图形"
    if "position:absolute" not in style:
        return what, "嵌入在文字中"
    z = re.search(r"z-index:(-?\d+)", style)
    return what, "衬于文字下方" if z and int(z[1]) < 0 else "浮于文字上方"


def _where(el, part: str) -> str:
    p = next(el.iterancestors(f"{W}p"), None)
    text = normalize("".join(t.text or "" for t in p.iter(f"{W}t"))) if p is not None else ""
    return f"{part}“{text[:20]}…”处" if text else part


def _text(el) -> str:
    return normalize("".join(t.text or "" for t in el.iter(f"{W}t", f"{A}t")))
