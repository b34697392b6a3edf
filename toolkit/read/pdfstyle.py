"""How a PDF sets given wording: bold (font name or weight, or a stroked fill) or underlined (a thin rule below).

A PDF keeps no run formatting, but every glyph names its font: a DOCX's bold run comes out of LibreOffice in
the font's Bold face (`NotoSerifCJKjp-Bold`), a synthetic bold as glyphs filled and stroked, an underline as a
thin line drawn under the glyphs. Only the glyphs of the wording asked about are looked at.
"""

from __future__ import annotations

import ctypes
import re
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from toolkit.read.filecache import file_bytes
from toolkit.text import normalize

_FOOTER = re.compile(r"^第\d+[页頁]共\d+[页頁]$")
_BOLD_NAME = re.compile(r"bold|heavy|black|semibold|demibold|demi|w[6-9]\b", re.I)
_FORCE_BOLD = 0x40000  # the font descriptor's ForceBold flag
MARKED_SHARE = 0.9  # a glyph or two from a fallback font (a bracket, a digit) does not unmark a clause
SAMPLE = 60  # glyphs read per clause at most


def emphasis_of(path: Path, literals: dict[str, tuple[str, list[int]]]) -> dict[str, bool | None]:
    """Tell, for each key, whether the glyphs of its wording (looked for on the pages given, 0-based, and the
    page after each) are bold or underlined; None when the wording is not found there."""
    from toolkit.read.pdf import opened  # the PDF the reader has just read stays open: its pages are not loaded again

    doc = opened(file_bytes(Path(path)))
    pages: dict[int, tuple] = {}
    out: dict[str, bool | None] = {}
    for key, (literal, candidates) in literals.items():
        out[key] = _marked_literal(doc, pages, normalize(literal), candidates)
    return out


def _marked_literal(doc, pages: dict, literal: str, candidates: list[int]) -> bool | None:
    spans = [[p] for p in candidates] + [[p, p + 1] for p in candidates]  # a clause running onto the next page
    for span in (s for s in spans if 0 <= s[0] and s[-1] < len(doc)):
        for n in span:
            if n not in pages:
                page, tp = doc.page(n)
                pages[n] = (page, tp, *_folded(tp, doc.text(n), n), doc.text(n))
        stream = "".join(pages[n][2] for n in span)
        where = [w for n in span for w in pages[n][3]]
        at = stream.find(literal) if literal else -1
        if at >= 0:
            glyphs = sorted(set(where[at : at + len(literal)]))
            step = max(1, len(glyphs) // SAMPLE)  # glyphs spread over the whole clause: a part made plain shows
            return _share_marked(pages, glyphs[::step]) >= MARKED_SHARE
    return None


def _folded(tp: pdfium.PdfTextPage, text: str, p: int) -> tuple[str, list[tuple[int, int]]]:
    """Return a page's normalised text and, for each of its characters, the (page, glyph) it came from."""
    if len(text) != tp.count_chars():
        return "", []  # characters outside the basic plane: glyph indices do not line up with the text
    chars: list[str] = []
    where: list[tuple[int, int]] = []
    start, end = _running(text)
    fold = _folded_char
    for i in range(start, end):
        c = text[i]
        n = c if "\u4e00" <= c <= "\u9fff" else fold(c)  # CJK ideographs fold to themselves
        chars.append(n)
        if len(n) == 1:
            where.append((p, i))
        else:
            where += [(p, i)] * len(n)
    return "".join(chars), where


@lru_cache(maxsize=4096)
def _folded_char(c: str) -> str:
    """Normalise one character (a page repeats the same few hundred)."""
    return normalize(c)


def _running(text: str) -> tuple[int, int]:
    """Return the glyph range to keep: the running header line (with ·) and the 第N页共M页 footer left out, so
    a clause that runs onto the next page reads on."""
    lines = text.split("\n")
    start = len(lines[0]) + 1 if len(lines) > 1 and "·" in lines[0] else 0
    end = len(text) - len(lines[-1]) if len(lines) > 1 and _FOOTER.match(normalize(lines[-1])) else len(text)
    return start, end


def _share_marked(pages: dict, glyphs: list[tuple[int, int]]) -> float:
    """Return the share of the glyphs (CJK and letters; not punctuation) that are bold or underlined."""
    rules: dict[int, list] = {}
    buf, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    counted = marked = 0
    for p, i in glyphs:
        page, tp, _, _, text = pages[p]
        if not text[i].isalnum():
            continue
        counted += 1
        raw.FPDFText_GetFontInfo(tp.raw, i, buf, len(buf), flags)
        obj = raw.FPDFText_GetTextObject(tp.raw, i)
        mode = raw.FPDFTextObj_GetTextRenderMode(obj) if obj else -1
        bold = (
            bool(_BOLD_NAME.search(buf.value.decode("latin-1")))
            or raw.FPDFText_GetFontWeight(tp.raw, i) >= 600
            or bool(flags.value & _FORCE_BOLD)
            or mode == raw.FPDF_TEXTRENDERMODE_FILL_STROKE
        )
        if bold or _underlined(tp.get_charbox(i), rules.setdefault(p, _rules(page))):
            marked += 1
    return marked / counted if counted else 0.0


def _rules(page: pdfium.PdfPage) -> list[tuple[float, float, float, float]]:
    """Return the boxes of the thin horizontal lines drawn on a page (underlines, table rules)."""
    out = []
    box = [ctypes.c_float() for _ in range(4)]
    for k in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, k)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_PATH and raw.FPDFPageObj_GetBounds(obj, *box):
            left, bottom, right, top = (b.value for b in box)
            if top - bottom < 2.5 and right - left > 3:  # a stroked line: its bounds include the pen width
                out.append((left, bottom, right, top))
    return out


def _underlined(glyph: tuple[float, float, float, float], rules: list) -> bool:
    """Tell whether a thin line runs under a glyph (its middle), close below its baseline."""
    middle = (glyph[0] + glyph[2]) / 2
    height = glyph[3] - glyph[1]
    return any(r[0] <= middle <= r[2] and glyph[1] - max(3.0, height * 0.4) <= r[3] <= glyph[1] + 1 for r in rules)
