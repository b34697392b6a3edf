"""A PDF's text as it is drawn (pypdfium2), with pypdf for the metadata, encryption and active content.

Each character is kept only when its text object draws it: a visible render mode and colour, a readable size,
inside the crop box. A page with annotations or with filled shapes drawn over text is rendered and each glyph
is looked for in the image, so text under an opaque shape or annotation counts as unseen.
"""

from __future__ import annotations

import ctypes
import io
import re
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject

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


# The names one pass over a file's bytes looks for: active content, encryption, compressed objects, layers and
# signatures. An /OpenAction that is a page destination (an array: LibreOffice writes one) is told apart, and so
# is any name with a #xx escape, which a reader decodes (/J#61vaScript is /JavaScript).
_MARKER = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|FileAttachment|AA|SubmitForm|ImportData|Encrypt|ObjStm"
    rb"|OCProperties|ByteRange|OpenAction)(?![^\s/<>\[\]()%{}])|/[^\s/<>\[\]()%{}#]*(#)[0-9A-Fa-f]{2}"
)
_MARKERS: list[tuple[bytes, frozenset[bytes]]] = []  # the last file's: its checks ask again for the same bytes


def markers(data: bytes) -> frozenset[bytes]:
    """Return the structural names a PDF's bytes hold, from one pass: b"#" for an escaped name, b"OpenAction["
    for an opening page destination (not an action)."""
    if _MARKERS and (_MARKERS[0][0] is data or _MARKERS[0][0] == data):
        return _MARKERS[0][1]
    found = set()
    for m in _MARKER.finditer(data):
        name = m.group(1) or m.group(2)
        found.add(
            b"OpenAction[" if name == b"OpenAction" and data[m.end() : m.end() + 64].lstrip()[:1] == b"[" else name
        )
    out = frozenset(found)
    _MARKERS[:] = [(data, out)]
    return out


def plain_structure(data: bytes) -> bool:
    """Tell whether a PDF's bytes name no active content, encryption, layer or compressed object stream, and no
    name with an escape: its document information and active content need no full parse (pypdf)."""
    return not (markers(data) - {b"OpenAction["})


# The document-information entries read on the fast path: the standard ones and the renderer's provenance.
INFO_KEYS = (
    "Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate",
    "LoupanMarks", "LoupanDocumentId", "LoupanDocument", "LoupanPack", "LoupanPackVersion",
    "LoupanTemplateSha256", "LoupanInputSha256", "LoupanTerms", "LoupanScript",
)  # fmt: skip


def pdf_meta(data: bytes, annotated: list[int]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Return the document information and the active content (what, where), looking into annotated pages.

    A file whose bytes name no active content, encryption, layer or object stream (what LibreOffice writes) has
    its information read by pdfium, already open: it has no active content. Any other goes through pypdf.
    """
    if not annotated and plain_structure(data):
        doc = opened(data).doc
        values = ((k, doc.get_metadata_value(k)) for k in INFO_KEYS)
        return {f"/{k}": v for k, v in values if v}, []
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
    root: Any = reader.trailer["/Root"]  # pypdf's objects are typed loosely: a dictionary here
    if "/AA" in root:
        found.append((_ACTIVE_KEYS["/AA"], "document /AA"))
    opening: Any = root.get("/OpenAction")
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


class OpenPdf:
    """A PDF opened once for the readers of one check (its text, then its type styles): pages loaded as asked."""

    def __init__(self, data: bytes):
        self.data = data
        self.doc = pdfium.PdfDocument(data)
        self.loaded: dict[int, tuple[pdfium.PdfPage, pdfium.PdfTextPage]] = {}
        self.texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.doc)

    def text(self, n: int) -> str:
        """Return page n's text as pdfium extracts it (every glyph, one character each where the counts agree)."""
        if n not in self.texts:
            self.texts[n] = self.page(n)[1].get_text_range()
        return self.texts[n]

    def page(self, n: int) -> tuple[pdfium.PdfPage, pdfium.PdfTextPage]:
        """Return page n (0-based) and its text page, loading them the first time."""
        if n not in self.loaded:
            page = self.doc[n]
            self.loaded[n] = (page, page.get_textpage())
        return self.loaded[n]

    def close(self) -> None:
        """Close the document (and with it its pages)."""
        self.loaded.clear()
        self.doc.close()


_LAST: list[OpenPdf] = []  # the PDF last read, kept open so the style reader of the same check loads no page again


def opened(data: bytes) -> OpenPdf:
    """Return the PDF of these bytes opened: the one last read when it is the same file, else newly opened."""
    if _LAST and (_LAST[0].data is data or _LAST[0].data == data):
        return _LAST[0]
    try:
        pdf = OpenPdf(data)
    except pdfium.PdfiumError as exc:
        raise PdfError(f"PDF文件已损坏，无法读取（{exc}）") from None
    while _LAST:
        _LAST.pop().close()
    _LAST.append(pdf)
    return pdf


def drawn_pages(data: bytes) -> tuple[list[str], list[tuple[str, str, str]], list[int]]:
    """Return each page's drawn text (lines as extracted), the text stored but not seen, and annotated pages."""
    pdf = opened(data)
    pages: list[str] = []
    hidden: list[tuple[str, str, str]] = []
    annotated: list[int] = []
    shown = layer_states(data)
    for i in range(1, len(pdf) + 1):
        page, tp = pdf.page(i - 1)
        if raw.FPDFPage_GetAnnotCount(page.raw) > 0:
            annotated.append(i)
        text, unseen = _page(page, tp, pdf.text(i - 1), shown)
        pages.append(text)
        hidden += [(f"page {i}", how, t) for how, t in unseen if t.strip()]
    return pages, hidden, annotated


def _page(
    page: pdfium.PdfPage, tp: pdfium.PdfTextPage, text: str, shown: dict[str, str] | None
) -> tuple[str, list[tuple[str, str]]]:
    n = tp.count_chars()
    if len(text) != n:
        return text, []  # characters outside the basic plane: keep the text as extracted
    crop = page.get_cropbox()
    unseen_objects, covers = _scan(page, crop, shown)
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


def _scan(page: pdfium.PdfPage, crop, shown: dict[str, str] | None) -> tuple[dict[int, str], list | None]:
    """Return the text objects not seen (by address, with why) and the areas where something is drawn over text.

    The areas are the boxes of images, shadings, forms and large filled shapes drawn after some text; None means
    the whole page (annotations are drawn over everything). Only glyphs in those areas are tested for ink, so a
    QR code or a logo in a margin does not make thin glyphs elsewhere look covered at the low test resolution.
    Text marked as content of a layer that is not shown alike on screen and on paper is not seen either.

    A page holds a few hundred text objects, each asked six things of pdfium: the loop keeps its calls bound.
    """
    covers: list | None = _annotation_rects(page)
    unseen: dict[int, str] = {}
    seen_text = False
    texts: list[tuple[float, float, float, float]] = []  # each text object's bounds
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    left, bottom, right, top = _BOX
    r, g, b, a = _RGBA
    m, size = _MATRIX, _SIZE
    x0, y0, x1, y1 = crop
    text_kind, covering = (
        raw.FPDF_PAGEOBJ_TEXT,
        (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING, raw.FPDF_PAGEOBJ_FORM),
    )
    hidden_modes, stroked = _HIDDEN_MODES, _STROKED_MODES
    get_object, get_type, get_bounds = raw.FPDFPage_GetObject, raw.FPDFPageObj_GetType, raw.FPDFPageObj_GetBounds
    get_mode, get_fill, get_stroke = (
        raw.FPDFTextObj_GetTextRenderMode,
        raw.FPDFPageObj_GetFillColor,
        raw.FPDFPageObj_GetStrokeColor,
    )
    get_size, get_matrix = raw.FPDFTextObj_GetFontSize, raw.FPDFPageObj_GetMatrix
    handle = page.raw
    for k in range(raw.FPDFPage_CountObjects(handle)):
        obj = get_object(handle, k)
        kind = get_type(obj)
        if kind == text_kind:
            seen_text = True
            get_bounds(obj, left, bottom, right, top)
            box = (left.value, bottom.value, right.value, top.value)
            texts.append(box)
            mode = get_mode(obj)
            if mode in hidden_modes:
                how = "不可见渲染模式"
            else:
                (get_stroke if mode in stroked else get_fill)(obj, r, g, b, a)
                get_size(obj, size)
                scale = abs(m.a * m.d - m.b * m.c) ** 0.5 if get_matrix(obj, m) else 1.0
                how = (
                    "完全透明"
                    if a.value == 0
                    else "白色文字"
                    if 765 - r.value - g.value - b.value < LIGHT
                    else "字号过小"
                    if size.value * scale < MIN_SIZE
                    else "位于页面可见范围之外"
                    if box[2] <= x0 or box[0] >= x1 or box[3] <= y0 or box[1] >= y1
                    else ""
                )
            if not how and shown is not None:
                how = _layer(obj, shown)
            if how:
                unseen[ctypes.addressof(obj.contents)] = how
        elif covers is None or not seen_text:
            continue
        elif kind in covering:
            covers.append(_bounds(obj))
        elif kind == raw.FPDF_PAGEOBJ_PATH and _large(obj):
            raw.FPDFPath_GetDrawMode(obj, fill, stroke)
            if fill.value:
                covers.append(_bounds(obj))
    if covers and not _meets(texts, covers):
        covers = []  # nothing drawn over any text (the print marks' code in its margin): no glyph to test
    return unseen, covers


_HIDDEN_MODES = (raw.FPDF_TEXTRENDERMODE_INVISIBLE, raw.FPDF_TEXTRENDERMODE_CLIP)
_STROKED_MODES = (raw.FPDF_TEXTRENDERMODE_STROKE, raw.FPDF_TEXTRENDERMODE_STROKE_CLIP)


def _meets(texts: list, covers: list, by: float = 2.0) -> bool:
    """Tell whether a text object's bounds meet an area drawn over text, widened a little: a glyph's box may
    reach past its object's outline."""
    for c0, c1, c2, c3 in ((c[0] - by, c[1] - by, c[2] + by, c[3] + by) for c in covers):
        if any(t[0] < c2 and t[2] > c0 and t[1] < c3 and t[3] > c1 for t in texts):
            return True
    return False


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


def layer_states(data: bytes) -> dict[str, str] | None:
    """Return each optional-content layer not shown both on screen and in print (its name → how), None if none.

    A viewer shows a layer by the default configuration (/D: BaseState, ON, OFF) and a printer by the layer's
    /Usage /Print state where it has one: text in a layer off on screen, or on only when printing, is not what
    the reader on screen and the paper both show. An empty dict means layers exist and all are shown.
    """
    if not markers(data) & {b"OCProperties", b"ObjStm", b"#"}:
        return None  # no layer declared (and no compressed object or escaped name that could hide one)
    try:
        root: Any = PdfReader(io.BytesIO(data)).trailer["/Root"]
        props = root.get("/OCProperties")
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError):
        return None  # the reader reports a broken file
    if props is None:
        return None
    props = props.get_object()
    config = props.get("/D", DictionaryObject()).get_object()
    off = {id(o.get_object()) for o in config.get("/OFF", ())}
    on = {id(o.get_object()) for o in config.get("/ON", ())}
    base_on = str(config.get("/BaseState", "/ON")) != "/OFF"
    out: dict[str, str] = {}
    for ref in props.get("/OCGs", ()):
        ocg = ref.get_object()
        screen = id(ocg) in on or (base_on and id(ocg) not in off)
        usage = ocg.get("/Usage", DictionaryObject()).get_object()
        printed = str(
            usage.get("/Print", DictionaryObject()).get_object().get("/PrintState", "/ON" if screen else "/OFF")
        )
        viewed = str(usage.get("/View", DictionaryObject()).get_object().get("/ViewState", "/ON" if screen else "/OFF"))
        screen = screen and viewed != "/OFF"
        how = (
            ""
            if screen and printed != "/OFF"
            else "仅打印时显示"
            if printed != "/OFF"
            else "屏幕上隐藏"
            if not screen
            else "打印时不显示"
        )
        name = str(ocg.get("/Name", ""))
        if how and not out.get(name):
            out[name] = how
    return out


_NAME_BUF = (ctypes.c_ushort * 256)()
_NAME_LEN = ctypes.c_ulong()


def _layer(obj, shown: dict[str, str]) -> str:
    """Say why a text object in an optional-content layer is not seen alike on screen and on paper, or ''."""
    for m in range(raw.FPDFPageObj_CountMarks(obj)):
        mark = raw.FPDFPageObj_GetMark(obj, m)
        if not raw.FPDFPageObjMark_GetName(mark, _NAME_BUF, ctypes.sizeof(_NAME_BUF), _NAME_LEN):
            continue
        if bytes(_NAME_BUF)[: max(_NAME_LEN.value - 2, 0)].decode("utf-16-le", "replace") != "OC":
            continue
        name = _param(mark, b"Name")
        if name is None and shown:  # a membership dictionary (OCMD) is not resolved: hidden while any layer is
            return "可选内容图层组合（OCMD）可能不显示"
        if name is not None and shown.get(name):
            return f"可选内容图层“{name}”{shown[name]}"
    return ""


def _param(mark, key: bytes) -> str | None:
    """Return a mark's text parameter (a layer's /Name), None when it has none."""
    blob = ctypes.cast(_NAME_BUF, ctypes.POINTER(ctypes.c_ubyte))
    if not raw.FPDFPageObjMark_GetParamBlobValue(mark, key, blob, ctypes.sizeof(_NAME_BUF), _NAME_LEN):
        return None
    value = bytes(_NAME_BUF)[: _NAME_LEN.value]
    return value[2:].decode("utf-16-be", "replace") if value.startswith(b"\xfe\xff") else value.decode("latin-1")


def _bounds(obj) -> tuple[float, float, float, float]:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    return left.value, bottom.value, right.value, top.value


def _under(box, covers: list | None) -> bool:
    """Tell whether a glyph box meets one of the areas drawn over text (any, when None)."""
    if covers is None:
        return True
    return any(box[0] < c[2] and box[2] > c[0] and box[1] < c[3] and box[3] > c[1] for c in covers)


def _large(obj) -> bool:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    return right.value - left.value > 4 and top.value - bottom.value > 4


def _covered(page, tp, crop, text: str, dropped: dict[int, str], covers: list | None) -> dict[int, str]:
    """Render the page and name each glyph that leaves no ink where it stands.

    Only glyphs inside an area drawn over text are tested, so a page whose covers meet no glyph (the print
    marks' QR code in its margin) is not rendered at all.
    """
    tested = []
    for i, c in enumerate(text):
        if i in dropped or not c.strip():
            continue
        box = tp.get_charbox(i)
        if box[2] - box[0] >= 0.5 and _under(box, covers):
            tested.append((i, box))
    if not tested:
        return {}
    image = render_page(page, DPI)
    return {i: "被图形或批注遮盖" for i, box in tested if not shows_ink(image, box, crop, DPI)}
