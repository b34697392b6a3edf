"""Pages checked at text level: no readable code, and no printed page their image fits (printed from the DOCX).

Each such page is read whole by OCR (8–25 s a page on two shared cores: only for these pages), located in
the text of the printed PDF and compared with it (`textcompare`). What is more than OCR noise is read again
enlarged (a line, or the band where a line seems to be missing); what still differs is `clause.altered`,
naming the printed page and the clause, with the text found and the text expected. The signature places are
found by their labels in the OCR lines and their ink judged on the printed page's band registered there. A
place that cannot be judged is `scan.unreadable`: nothing that could not be read is accepted.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from toolkit.findings import Finding
from toolkit.rules import finding
from toolkit.scan import ocr
from toolkit.scan.pages import _LABEL, ScanPage
from toolkit.scan.places import Place
from toolkit.scan.register import register
from toolkit.scan.tables import reorder
from toolkit.scan.textcompare import Flat, Hunk, differences, flatten, value_mask
from toolkit.scan.where import _fixed, clause_before, clause_of, page_place

WORK_WIDTH = 1400  # px: pages are read by OCR at about 170 dpi whatever the scan's resolution
FOOTER = re.compile(r"^第\d+页共\d+页$")
MARK_LINE = re.compile(
    r"P\.?\s*\d+\s*/\s*\d+|PRC-?P?RESALE|SUBSCRI", re.I
)  # the print mark's label, read by OCR beside the code
BAND = 80  # px (reference) above and below a place's line registered to judge its ink
CACHED = 48  # pages whose OCR is kept (a page judged again, photos judged together)
HOW = "文字识别+文本比对"


@dataclass(frozen=True)
class Line:
    """One line OCR read, with its box in page pixels (x0, y0, x1, y1)."""

    text: str
    box: tuple[int, int, int, int]


_READ: OrderedDict[str, list[Line]] = OrderedDict()


def read_page(image: np.ndarray) -> list[Line]:
    """Read a whole page by OCR (kept for pages seen again), its lines in reading order."""
    key = hashlib.sha1(image.tobytes()).hexdigest() + repr(image.shape)
    if key in _READ:
        _READ.move_to_end(key)
        return _READ[key]
    k = min(1.0, WORK_WIDTH / image.shape[1])
    small = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else image
    start = time.perf_counter()
    result, _ = ocr.engine()(np.ascontiguousarray(small))
    ocr.Stopwatch.seconds += time.perf_counter() - start
    ocr.Stopwatch.calls += 1
    lines = [_line(text, box, k) for box, text, _ in result or []]
    _READ[key] = reading_order(lines)
    while len(_READ) > CACHED:
        _READ.popitem(last=False)
    return _READ[key]


def _line(text: str, box, k: float) -> Line:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return Line(text, (int(min(xs) / k), int(min(ys) / k), int(max(xs) / k), int(max(ys) / k)))


def reading_order(lines: list[Line]) -> list[Line]:
    """Sort lines top to bottom, and the boxes of one row (table cells) left to right."""
    rows: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        mid, height = (ln.box[1] + ln.box[3]) / 2, ln.box[3] - ln.box[1]
        if rows and abs(mid - _mid(rows[-1][0])) < 0.5 * height:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: ln.box[0])]


def _mid(ln: Line) -> float:
    return (ln.box[1] + ln.box[3]) / 2


def reread(image: np.ndarray, box: tuple[int, int, int, int]) -> str:
    """Read a line (or a band) again, enlarged twice: a second look at what seemed to differ."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = max(box[0] - 8, 0), max(box[1] - 6, 0), min(box[2] + 8, w), min(box[3] + 6, h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return ""
    big = cv2.resize(image[y0:y1, x0:x1], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    return ocr.read_region(big, (0, 0, big.shape[1], big.shape[0]))


@dataclass
class Expected:
    """The printed document's body text (running header, footers and print marks taken out)."""

    flat: Flat
    starts: list[int]  # skeleton index where each printed page's body starts
    header: str  # skeleton of the running header
    values: bytes  # 1 where the skeleton is a filled-in value, not fixed wording
    segments: list

    def page_of(self, at: int) -> int:
        """Return the printed page (1-based) a skeleton index is on."""
        return max(bisect_right(self.starts, at), 1)


def expected_of(printed: Path, segments: list) -> Expected:
    """Read the printed PDF's text page by page, as the body a reader sees."""
    doc = pdfium.PdfDocument(str(printed))
    try:
        texts = [_LABEL.sub("", doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()
    pages = [[ln for ln in t.splitlines() if ln.strip()] for t in texts]
    firsts = {flatten(p[0]).text for p in pages if p}
    header = firsts.pop() if len(firsts) == 1 and len(pages) > 1 else ""
    bodies = ["\n".join(ln for ln in p if not _furniture(flatten(ln).text, header)) for p in pages]
    starts, at = [], 0
    for body in bodies:
        starts.append(at)
        at += len(flatten(body).text)
    flat = flatten("\n".join(bodies))
    values = value_mask(flat.text, [flatten(_fixed(s)).text for s in segments])
    return Expected(flat, starts, header, values, segments)


def _furniture(skeleton: str, header: str) -> bool:
    """Tell whether a line is the running header, a page footer or a print mark's label."""
    return bool(skeleton) and (skeleton == header or bool(FOOTER.match(skeleton)))


@dataclass
class TextPage:
    """A page read by OCR and aligned with the printed text."""

    page: ScanPage
    lines: list[Line]
    flat: Flat = field(default_factory=lambda: flatten(""))
    line_at: list[int] = field(default_factory=list)  # the line of each character of flat.source
    covered: tuple[int, int] | None = None
    hunks: list[Hunk] = field(default_factory=list)

    def lines_of(self, b0: int, b1: int) -> set[int]:
        """Return the lines holding skeleton characters b0..b1."""
        return {self.line_at[self.flat.at[b]] for b in range(b0, min(b1, len(self.flat.at)))}


def compare_page(page: ScanPage, exp: Expected) -> TextPage:
    """Read a page, align it with the printed text, and read again what differs."""
    tp = _aligned(TextPage(page, read_page(page.image)), exp)
    if not tp.hunks:
        return tp
    lines = list(tp.lines)
    for i in sorted({i for h in tp.hunks if h.found for i in tp.lines_of(h.b0, h.b1)}):
        lines[i] = Line(reread(page.image, lines[i].box) or lines[i].text, lines[i].box)
    lines += [Line(t, b) for b in _gaps(tp) if (t := reread(page.image, b))]
    return _aligned(TextPage(page, reading_order(lines)), exp)


def _aligned(tp: TextPage, exp: Expected) -> TextPage:
    body = [i for i, ln in enumerate(tp.lines) if _body(ln, tp.page, exp.header)]
    _compare(tp, body, exp)
    if tp.hunks and (cells := reorder([tp.lines[i] for i in body], exp.flat.text)) is not None:
        lines = list(tp.lines)  # a table read in another order: its cells put back in the printed order
        for i, ln in zip(body, cells):
            lines[i] = ln
        tp.lines = lines
        _compare(tp, body, exp)
    return tp


def _body(ln: Line, page: ScanPage | None, header: str) -> bool:
    skeleton = flatten(ln.text).text
    return bool(skeleton) and not _furniture(skeleton, header) and not _mark_label(ln, page)


def _compare(tp: TextPage, body: list[int], exp: Expected) -> None:
    tp.line_at = [i for i in body for _ in range(len(tp.lines[i].text) + 1)]
    tp.flat = flatten("\n".join(tp.lines[i].text for i in body))
    tp.covered, tp.hunks = differences(tp.flat.text, exp.flat.text, exp.values)


def _mark_label(ln: Line, page: ScanPage | None) -> bool:
    """Tell whether a line is the print mark's label beside the code (bottom right of the page)."""
    if MARK_LINE.search(ln.text):
        return True
    h, w = page.image.shape[:2] if page is not None else (10**6, 10**6)
    return ln.box[1] > 0.93 * h and ln.box[0] > 0.6 * w


def _gaps(tp: TextPage) -> list[tuple[int, int, int, int]]:
    """Return the bands between two lines where printed text seems to be missing (a line OCR passed over)."""
    out = []
    left = min((ln.box[0] for ln in tp.lines), default=0)
    right = max((ln.box[2] for ln in tp.lines), default=0)
    for h in tp.hunks:
        if h.found or not 0 < h.b0 < len(tp.flat.at):
            continue
        above, below = tp.lines[tp.line_at[tp.flat.at[h.b0 - 1]]], tp.lines[tp.line_at[tp.flat.at[h.b0]]]
        if below.box[1] - above.box[3] > 8:
            out.append((left, above.box[3], right, below.box[1]))
    return out


def covered_pages(tps: list[TextPage], exp: Expected, share: float = 0.5) -> set[int]:
    """Return the printed pages whose body the pages read by OCR cover for the most part."""
    bounds = [*exp.starts, len(exp.flat.text)]
    out = set()
    for n in range(1, len(exp.starts) + 1):
        lo, hi = bounds[n - 1], bounds[n]
        got = sum(max(0, min(hi, c[1]) - max(lo, c[0])) for tp in tps if tp.covered for c in [tp.covered])
        if hi > lo and got >= share * (hi - lo):
            out.add(n)
    return out


def hunk_finding(name: str, tp: TextPage, h: Hunk, exp: Expected) -> Finding:
    """Build the clause.altered finding of a difference that stayed when read again."""
    n = exp.page_of(h.a0)
    (a0, a1), (b0, b1) = _number(exp.flat.text, h.a0, h.a1), _number(tp.flat.text, h.b0, h.b1)
    if (a0, a1) != (h.a0, h.a1) or (b0, b1) != (h.b0, h.b1):  # a digit changed: show the whole numbers
        a0, a1, b0, b1 = min(a0, h.a0), max(a1, h.a1), min(b0, h.b0), max(b1, h.b1)
    expected, found = exp.flat.original(a0, a1).strip(), tp.flat.original(b0, b1).strip()
    context = exp.flat.original(max(h.a0 - 12, 0), min(h.a1 + 12, len(exp.flat.text)))
    clause = clause_of(expected, exp.segments) if len(h.expected) >= 6 else ""
    clause = clause or clause_of(context, exp.segments)
    clause = clause or clause_before(exp.flat.original(max(a0 - 80, 0), a0), exp.segments)  # a table cell
    if not found:
        what = f"打印件的“{expected}”在扫描件中没有"
    elif not expected:
        what = f"扫描件多出“{found}”（打印件此处为“{context.strip()}”）"
    else:
        what = f"扫描件为“{found}”，打印件为“{expected}”"
    where = page_place(n, clause, exp.segments)
    return finding(
        "clause.altered",
        f"{name}：{where}（{tp.page.source}，{HOW}）：{what}",
        document=name,
        location=f"第{n}页",
        clause=clause,
        expected=expected,
        found=found,
        extra={"page": n, "scan_page": tp.page.source, "seen": "ocr"},
    )


def _number(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a stretch of a skeleton to the whole number it is in (unchanged when it touches no digit)."""
    if not any(c.isdigit() for c in text[max(start - 1, 0) : end + 1]):
        return start, end
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return start, end


def place_lines(tps: list[TextPage], label: str) -> list[tuple[int, int, float]]:
    """Return (text page, line, x where the label ends) of each line that starts a signature place's label."""
    want = flatten(label).text
    out = []
    for t, tp in enumerate(tps):
        for i, ln in enumerate(tp.lines):
            f = flatten(ln.text)
            at = f.text.find(want)
            if at >= 0 and want and _labels(ln.text, label, at):
                end = f.at[at + len(want) - 1] + 1
                out.append((t, i, ln.box[0] + (ln.box[2] - ln.box[0]) * end / max(len(ln.text), 1)))
    return out


def _labels(text: str, label: str, at: int) -> bool:
    """Tell whether a line holds a place's label, not its words in a sentence (认购人签字之日起成立).

    The label starts the line, or is there with its brackets (（签字）): a sentence has none.
    """

    def bare(s: str) -> str:
        return unicodedata.normalize("NFKC", s).replace(" ", "")

    return at == 0 or bare(label) in bare(text)


def place_ink(image: np.ndarray, line: Line, x_end: float, pl: Place, ref: np.ndarray, height: float, printed):
    """Tell whether a place found on a page read by OCR carries ink (None when it cannot be judged)."""
    from toolkit.scan.judge import _ink_in, _px  # (judge imports this module)

    k = 150 / 72
    core = _px(pl.core, height, k)
    y0, y1 = max(core[1] - BAND, 0), min(core[3] + BAND, ref.shape[0])
    band = ref[y0:y1]
    r = image.shape[1] / ref.shape[1]  # scan pixels per reference pixel, near enough to crop by
    mid = (line.box[1] + line.box[3]) / 2
    sy0, sy1 = int(max(mid - (BAND + 40) * r, 0)), int(min(mid + (BAND + 40) * r, image.shape[0]))
    reg = register(image[sy0:sy1], band)
    if reg.ok and reg.image is not None:
        return _ink_in(reg.image, band, (core[0], core[1] - y0, core[2], core[3] - y0))
    return _ink_beside(image, line, x_end, printed, r)


def _ink_beside(image: np.ndarray, line: Line, x_end: float, printed: list[Line], r: float) -> bool | None:
    """Judge the ink right of a label on the scan itself, the printed text on that line (OCR boxes) left out.

    For a band that would not register (its lines laid out otherwise): the same thresholds, in scan pixels.
    """
    from toolkit.scan.diff import INK, flatten
    from toolkit.scan.judge import SIGNED_INK, SIGNED_SPAN
    from toolkit.scan.places import LINE_WIDTH

    height = line.box[3] - line.box[1]
    x0, x1 = int(x_end + 4 * r), int(min(x_end + LINE_WIDTH * 150 / 72 * r, image.shape[1] * 0.9))
    y0, y1 = int(max(line.box[1] - 0.6 * height, 0)), int(line.box[3] + 0.6 * height)
    if x1 - x0 < 20 or y1 <= y0:
        return None
    ink = (flatten(image[y0:y1]) < INK).astype(np.uint8)
    for ln in printed:  # the printed words right of the label (the seller's name, the buyer's in brackets)
        bx0 = int(max(ln.box[0], x_end if ln is line else ln.box[0]))
        ink[max(ln.box[1] - y0, 0) : max(ln.box[3] - y0, 0), max(bx0, 0) : ln.box[2]] = 0
    ink = np.asarray(cv2.morphologyEx(ink[:, x0:x1], cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)), dtype=np.uint8)
    cols = np.flatnonzero(ink.sum(axis=0))
    span = int(cols[-1] - cols[0]) if cols.size else 0
    return int(ink.sum()) >= SIGNED_INK * r * r and span >= SIGNED_SPAN * r
