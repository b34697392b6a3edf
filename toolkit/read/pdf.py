"""A PDF's text as it is drawn (pypdfium2), with pypdf for the metadata, encryption and active content.

Each character is kept only when its text object draws it: a visible render mode and colour, a readable size,
inside the crop box. A page with annotations or with filled shapes drawn over text is rendered and each glyph
is looked for in the image, so text under an opaque shape or annotation counts as unseen.
"""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from toolkit.read.pageimage import render_page, shows_ink

MIN_SIZE = 2.0  # points: smaller text cannot be read on paper
LIGHT = 60  # sum of channel distances from white under which text does not show on a white page
DPI = 50
_ACTIVE_KEYS = {
    "/JavaScript": "脚本",
    "/JS": "脚本",
    "/Launch": "启动程序",
    "/EmbeddedFiles": "附件",
    "/EmbeddedFile": "附件",
    "/RichMedia": "多媒体",
    "/FileAttachment": "附件",
    "/OpenAction": "打开时动作",
    "/AA": "自动动作",
    "/SubmitForm": "表单提交",
    "/ImportData": "导入数据",
}


_RGBA = tuple(ctypes.c_uint() for _ in range(4))  # reused: one allocation, not one per text object
_BOX = tuple(ctypes.c_float() for _ in range(4))
_MATRIX = raw.FS_MATRIX()
_SIZE = ctypes.c_float()


class PdfError(Exception):
    """The PDF cannot be read; the message says why."""


def pdf_meta(data: bytes, annotated: list[int]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Return the document information and the active content (what, where), looking into annotated pages."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfError("PDF文件已加密，请提交未加密的文件")
        meta = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
        return meta, _active(reader, annotated)
    except PdfError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise PdfError(f"PDF文件已损坏，无法读取（{exc.__class__.__name__}: {exc}）") from None


def _active(reader: PdfReader, annotated: list[int]) -> list[tuple[str, str]]:
    found = []
    root = reader.trailer["/Root"]
    if "/AA" in root:
        found.append((_ACTIVE_KEYS["/AA"], "document /AA"))
    opening = root.get("/OpenAction")
    opening = opening.get_object() if opening is not None else None
    if hasattr(opening, "get") and str(opening.get("/S", "")) not in ("", "/GoTo"):
        found.append((_ACTIVE_KEYS["/OpenAction"], f"document /OpenAction {opening.get('/S')}"))
    names = root.get("/Names")
    for key in ("/JavaScript", "/EmbeddedFiles"):
        if names is not None and key in names.get_object():
            found.append((_ACTIVE_KEYS[key], f"document /Names {key}"))
    for i in annotated:
        for annot in reader.pages[i - 1].get("/Annots") or ():
            a = annot.get_object()
            sub, action = str(a.get("/Subtype", "")), a.get("/A")
            if sub in _ACTIVE_KEYS:
                found.append((_ACTIVE_KEYS[sub], f"page {i} {sub}"))
            kind = str(action.get_object().get("/S", "")) if action is not None else ""
            if kind in _ACTIVE_KEYS or "/AA" in a:
                found.append((_ACTIVE_KEYS.get(kind, "自动动作"), f"page {i} {kind or '/AA'}"))
    return found


def drawn_pages(data: bytes) -> tuple[list[str], list[tuple[str, str, str]], list[int]]:
    """Return each page's drawn text (lines as extracted), the text stored but not seen, and annotated pages."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfError(f"PDF文件已损坏，无法读取（{exc}）") from None
    pages, hidden, annotated = [], [], []
    try:
        for i, page in enumerate(doc, start=1):
            if raw.FPDFPage_GetAnnotCount(page.raw) > 0:
                annotated.append(i)
            text, unseen = _page(page)
            pages.append(text)
            hidden += [(f"page {i}", how, t) for how, t in unseen if t.strip()]
    finally:
        doc.close()
    return pages, hidden, annotated


def _page(page: pdfium.PdfPage) -> tuple[str, list[tuple[str, str]]]:
    tp = page.get_textpage()
    text = tp.get_text_range()
    n = tp.count_chars()
    if len(text) != n:
        return text, []  # characters outside the basic plane: keep the text as extracted
    crop = page.get_cropbox()
    unseen_objects, covers = _scan(page, crop)
    dropped: dict[int, str] = {}
    if unseen_objects:
        get_object, textpage = raw.FPDFText_GetTextObject, tp.raw
        for i in range(n):
            obj = get_object(textpage, i)
            how = unseen_objects.get(ctypes.addressof(obj.contents)) if obj else None
            if how:
                dropped[i] = how
    if covers is None or covers:
        dropped.update(_covered(page, tp, crop, text, dropped, covers))
    if not dropped:
        return text, []
    unseen: dict[str, str] = {}
    for i, how in dropped.items():
        unseen[how] = unseen.get(how, "") + text[i]
    return "".join(c for i, c in enumerate(text) if i not in dropped), list(unseen.items())


def _scan(page: pdfium.PdfPage, crop) -> tuple[dict[int, str], list | None]:
    """Return the text objects not seen (by address, with why) and the areas where something is drawn over text.

    The areas are the boxes of images, shadings, forms and large filled shapes drawn after some text; None means
    the whole page (annotations are drawn over everything). Only glyphs in those areas are tested for ink, so a
    QR code or a logo in a margin does not make thin glyphs elsewhere look covered at the low test resolution.
    """
    covers: list | None = _annotation_rects(page)
    unseen: dict[int, str] = {}
    seen_text = False
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for k in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            seen_text = True
            how = _verdict(obj, crop)
            if how:
                unseen[ctypes.addressof(obj.contents)] = how
        elif covers is None or not seen_text:
            continue
        elif kind in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING, raw.FPDF_PAGEOBJ_FORM):
            covers.append(_bounds(obj))
        elif kind == raw.FPDF_PAGEOBJ_PATH and _large(obj):
            raw.FPDFPath_GetDrawMode(obj, fill, stroke)
            if fill.value:
                covers.append(_bounds(obj))
    return unseen, covers


def _annotation_rects(page: pdfium.PdfPage) -> list:
    """Return the rectangles of the page's annotations, which are drawn over everything (empty ones skipped:
    a digital signature's field has no appearance)."""
    rects, rect = [], raw.FS_RECTF()
    for i in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = raw.FPDFPage_GetAnnot(page.raw, i)
        if raw.FPDFAnnot_GetRect(annot, rect) and rect.right - rect.left > 0.5 and abs(rect.top - rect.bottom) > 0.5:
            rects.append((rect.left, min(rect.bottom, rect.top), rect.right, max(rect.bottom, rect.top)))
        raw.FPDFPage_CloseAnnot(annot)
    return rects


def _bounds(obj) -> tuple[float, float, float, float]:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    return left.value, bottom.value, right.value, top.value


def _under(box, covers: list | None) -> bool:
    """Tell whether a glyph box meets one of the areas drawn over text (any, when None)."""
    if covers is None:
        return True
    return any(box[0] < c[2] and box[2] > c[0] and box[1] < c[3] and box[3] > c[1] for c in covers)


def _verdict(obj, crop) -> str:
    """Say why a text object's glyphs are not seen, or '' when they are."""
    mode = raw.FPDFTextObj_GetTextRenderMode(obj)
    if mode in (raw.FPDF_TEXTRENDERMODE_INVISIBLE, raw.FPDF_TEXTRENDERMODE_CLIP):
        return "不可见渲染模式"
    r, g, b, a = _RGBA
    stroke = mode in (raw.FPDF_TEXTRENDERMODE_STROKE, raw.FPDF_TEXTRENDERMODE_STROKE_CLIP)
    (raw.FPDFPageObj_GetStrokeColor if stroke else raw.FPDFPageObj_GetFillColor)(obj, r, g, b, a)
    if a.value == 0:
        return "完全透明"
    if (255 - r.value) + (255 - g.value) + (255 - b.value) < LIGHT:
        return "白色文字"
    raw.FPDFTextObj_GetFontSize(obj, _SIZE)
    if _SIZE.value * _scale(obj) < MIN_SIZE:
        return "字号过小"
    left, bottom, right, top = _BOX
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    x0, y0, x1, y1 = crop
    if right.value <= x0 or left.value >= x1 or top.value <= y0 or bottom.value >= y1:
        return "位于页面可见范围之外"
    return ""


def _scale(obj) -> float:
    m = _MATRIX
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return 1.0
    return max(abs(m.a * m.d - m.b * m.c), 0.0) ** 0.5 or 0.0


def _large(obj) -> bool:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    return right.value - left.value > 4 and top.value - bottom.value > 4


def _covered(page, tp, crop, text: str, dropped: dict[int, str], covers: list | None) -> dict[int, str]:
    """Render the page and name each glyph that leaves no ink where it stands."""
    image = render_page(page, DPI)
    out = {}
    for i, c in enumerate(text):
        if i in dropped or not c.strip():
            continue
        box = tp.get_charbox(i)
        if box[2] - box[0] >= 0.5 and _under(box, covers) and not shows_ink(image, box, crop, DPI):
            out[i] = "被图形或批注遮盖"
    return out
