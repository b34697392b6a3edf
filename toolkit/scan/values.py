"""The values a signed scan carries: each printed term read back by OCR in its box, handwritten corrections taken.

The rules of `checks/` then run on these values (`checks.documents.check_one(..., read=...)`): where a
correction was written on or just above a printed value, the value is the handwritten one; where OCR reads a
value otherwise but the image comparison found no mark there, the paper carries the print (a note, no finding).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

from toolkit.domain.ids import mask_id, mask_phone, mask_text
from toolkit.domain.money import CapitalsError, parse_capitals
from toolkit.findings import Finding
from toolkit.pack.clauses import HARD, SOFT
from toolkit.read.document import DocumentText
from toolkit.read.parse import Parsed, Value
from toolkit.scan import ocr
from toolkit.scan.diff import INK
from toolkit.scan.raster import DPI
from toolkit.scan.where import NUMBER, PageText, page_text
from toolkit.text import normalize

# The terms that matter on a signed form: the deal's and the buyers' values and the unit (the project's own
# values are printed alike on every deal, and a mark on them is `scan.altered` all the same).
MATTER = ("deal.", "buyers[", "unit.")
FILTERS = {"yuan", "capitals", "area", "pct", "cdate", "idno", "phone", "name", "unit", "tick"}
NUMERIC = {"yuan", "area", "pct", "int"}
ABOVE = 45  # px (7.6 mm at 150 dpi): a correction written this far above a value replaces it
TICKED = 0.3  # share of dark pixels inside a check box for it to count as ticked
PAD = 5  # px around a value's glyphs: registration is good to a pixel or two
STROKE = 35  # px (6 mm at 150 dpi): a straight horizontal run this long is a pen line striking the print, no digit
CONTEXT = 10  # characters of print before a value that place it on its page
# Characters OCR confuses with digits, read as the digit in a number (an ID's final X stays).
DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1", "Z": "2", "S": "5"})

SAME, DIFFERS, WRITTEN = "same", "ocr_differs", "handwritten"


@dataclass
class ValueRead:
    """One printed value on the scan: where it is, what was printed, what OCR read, and what was taken."""

    page: int
    path: str
    filter: str
    clause: str
    printed: str
    read: str  # OCR of the value's box ('■' or '□' for a check box, from its ink)
    taken: str  # the value the rules ran on
    box: tuple[int, int, int, int]  # reference pixels at 150 dpi
    how: str = SAME  # same | ocr_differs (no mark: the print stands) | handwritten (a correction on or above it)
    tick_value: str = ""
    at: int = -1  # the value's place in the printed PDF's text stream (which printed value it is)
    lines: list[tuple[int, int, int, int]] = field(default_factory=list)  # one box per printed line

    def row(self) -> dict[str, Any]:
        """Return the value for a report, personal numbers masked."""
        hide = mask_id if self.filter == "idno" else mask_phone if self.filter == "phone" else mask_text
        out = {"page": self.page, "path": self.path, "clause": self.clause, "box": list(self.box), "how": self.how}
        out |= {k: hide(normalize(getattr(self, k))) for k in ("printed", "read", "taken")}
        return out | ({"option": self.tick_value} if self.tick_value else {})


@dataclass
class Reader:
    """Read a scan's values for `check_one`: registered page images and the alterations found on them."""

    images: dict[int, np.ndarray]  # page N → the scan registered on the printed page
    altered: list[Finding]  # the verdict's scan.altered findings (their page, box and OCR text)
    printed_pdf: Any  # the printed PDF's path
    reads: list[ValueRead] = field(default_factory=list)
    seconds: float = 0.0

    def __call__(self, parsed: Parsed, text: DocumentText) -> Parsed:
        """Return the parse with each value as the scan carries it."""
        start = time.perf_counter()
        wanted = [v for v in parsed.values if matters(v)]
        self.reads = read_values(locate(self.printed_pdf, text, wanted, set(self.images)), self.images)
        take_corrections(self.reads, self.altered, self.images, self.printed_pdf)
        self.seconds = time.perf_counter() - start
        return substitute(parsed, self.reads)


def matters(v: Value) -> bool:
    """Tell whether a printed value is one of the terms read back from a scan."""
    return v.path.startswith(MATTER) and v.filter in FILTERS and v.at >= 0 and normalize(v.text) not in ("", "-")


# -- where each value is printed ------------------------------------------------------------------------------
@dataclass
class _Page:
    text: PageText
    flat: str  # the page's characters normalised, blanks dropped
    index: list[int]  # flat position → character of `text`


def _flat_page(text: PageText) -> _Page:
    flat, index = [], []
    for i, ch in enumerate(text.chars):
        for c in normalize(ch):
            flat.append(c)
            index.append(i)
    return _Page(text, "".join(flat), index)


def locate(pdf, text: DocumentText, values: list[Value], pages: set[int]) -> list[tuple[Value, int, list]]:
    """Find each value's glyphs on the printed page: its page from the stream, its place by the print before it."""
    starts = _unit_starts(text)
    doc = pdfium.PdfDocument(str(pdf))
    cache: dict[int, _Page] = {}
    out = []
    try:
        for v in values:
            i = max(bisect.bisect_right(starts, v.at) - 1, 0)
            if i + 1 not in pages or i >= len(doc):
                continue
            if i + 1 not in cache:
                cache[i + 1] = _flat_page(page_text(doc[i], DPI))
            before = _flat(text.units[i].text[: v.at - starts[i]])
            header = _flat(text.header[i]) if i < len(text.header) else ""
            boxes = _find(cache[i + 1], before, normalize(v.text), len(header) + len(before))
            if boxes:
                out.append((v, i + 1, boxes))
    finally:
        doc.close()
    return out


def _unit_starts(text: DocumentText) -> list[int]:
    starts, pos = [], 0
    for u in text.units:
        starts.append(pos)
        pos += len(u.text) + 1
    return starts


def _flat(s: str) -> str:
    return normalize(s.replace(SOFT, "").replace(HARD, ""))


def _find(page: _Page, before: str, value: str, guess: int) -> list[tuple[int, int, int, int]]:
    """Return the line boxes of the occurrence of value after its context nearest where the stream puts it."""
    for k in (CONTEXT, 4, 0):
        context = before[-k:] if k else ""
        hits = [m.start() + len(context) for m in re.finditer(re.escape(context + value), page.flat)]
        if hits:
            at = min(hits, key=lambda h: abs(h - guess))
            chars = sorted({page.index[j] for j in range(at, at + len(value))})
            return _lines([page.text.boxes[c] for c in chars])
    return []


def _lines(boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int, int, int]]:
    """Group character boxes into one box per printed line (a long value may wrap)."""
    lines: list[list[tuple[float, float, float, float]]] = []
    for b in boxes:
        if lines and b[0] >= lines[-1][-1][0] - 10:  # a line goes on rightwards; a wrapped one starts left again
            lines[-1].append(b)
        else:
            lines.append([b])
    return [
        (
            int(min(b[0] for b in ln)) - PAD,
            int(min(b[1] for b in ln)) - PAD,
            int(max(b[2] for b in ln)) + PAD,
            int(max(b[3] for b in ln)) + PAD,
        )
        for ln in lines
    ]


# -- reading them -----------------------------------------------------------------------------------------------
def read_values(located: list[tuple[Value, int, list]], images: dict[int, np.ndarray]) -> list[ValueRead]:
    """OCR every located value's boxes in one batch (check boxes are judged by their ink, not OCR'd)."""
    crops, owners = [], []
    reads = []
    for k, (v, page, boxes) in enumerate(located):
        union = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        read = tick(images[page], union) if v.filter == "tick" else ""
        reads.append(
            ValueRead(page, v.path, v.filter, v.clause, v.text, read, v.text, union, SAME, v.tick_value, v.at, boxes)
        )
        if v.filter != "tick":
            for b in boxes:
                crops.append(_crop(images[page], b))
                owners.append(k)
    for k, text in zip(owners, recognise(crops)):
        reads[k].read += text
    for r in reads:
        r.how = SAME if same(r.filter, r.printed, r.read) else DIFFERS
    return reads


def _crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    h, w = image.shape[:2]
    crop = image[max(y0, 0) : min(y1, h), max(x0, 0) : min(x1, w)]
    return (
        cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_GRAY2BGR) if crop.size else np.full((8, 8, 3), 255, np.uint8)
    )


def recognise(crops: list[np.ndarray]) -> list[str]:
    """Recognise one line of text in each crop, batched (no text detection: each box holds one printed line)."""
    if not crops:
        return []
    start = time.perf_counter()
    results, _ = ocr.engine().text_rec(crops)
    ocr.Stopwatch.seconds += time.perf_counter() - start
    ocr.Stopwatch.calls += 1
    return [text for text, _score in results]


def tick(image: np.ndarray, box: tuple[int, int, int, int]) -> str:
    """Say whether a check box on the scan is ticked: ink inside its frame (the frame itself left out)."""
    x0, y0, x1, y1 = (box[0] + PAD, box[1] + PAD, box[2] - PAD, box[3] - PAD)
    w, h = x1 - x0, y1 - y0
    inner = image[y0 + h // 4 : y1 - h // 4, x0 + w // 4 : x1 - w // 4]
    return "■" if inner.size and float((inner < 128).mean()) >= TICKED else "□"


def same(filter_: str, printed: str, read: str) -> bool:
    """Tell whether OCR read the printed value (width, blanks, separators and digit look-alikes aside)."""
    a, b = (_PUNCT.sub("", normalize(x)) for x in (printed, read))
    if filter_ in NUMERIC | {"idno", "phone", "unit", "cdate"}:
        a, b = a.translate(DIGITS), b.translate(DIGITS)
    if filter_ in NUMERIC | {"phone"}:
        return re.sub(r"\D", "", a) == re.sub(r"\D", "", b) != ""
    if filter_ == "capitals" and a != b:
        return _capitals(a) is not None and _capitals(a) == _capitals(b)
    return a == b


_PUNCT = re.compile(r"[-,.:;'\"()、。，：；（）]")


def _capitals(text: str) -> Any:
    try:
        return parse_capitals(text)
    except CapitalsError:
        return None


# -- corrections written on the paper ---------------------------------------------------------------------------
def take_corrections(
    reads: list[ValueRead], altered: Iterable[Finding], images: dict[int, np.ndarray], printed_pdf
) -> None:
    """Take the handwritten value of each added mark on or just above a value; elsewhere the print stands."""
    for f in altered:
        if not f.extra.get("added") or "box" not in f.extra:
            continue
        page, box = f.extra["page"], tuple(f.extra["box"])
        if not any(r.page == page and _below(r.lines, box) is not None for r in reads):
            continue
        text = handwriting(images[page], printed_page(printed_pdf, page), box) or f.found
        near = [
            (d, r) for r in reads if r.page == page and _takes(r, text) for d in [_below(r.lines, box)] if d is not None
        ]
        if not near:
            continue
        r = min(near, key=lambda t: t[0])[1]
        r.taken = tick(images[page], r.box) if r.filter == "tick" else _written(r, text)
        r.how = WRITTEN if r.taken != r.printed else r.how


def printed_page(pdf, page: int) -> np.ndarray:
    """Render one printed page at the scan's reference resolution."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = np.asarray(doc[page - 1].render(scale=DPI / 72, grayscale=True).to_numpy())
        return image if image.ndim == 2 else cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY)
    finally:
        doc.close()


def handwriting(scan: np.ndarray, ref: np.ndarray, box: tuple[int, ...]) -> str:
    """OCR what was written in a box with the print whited out (a correction squeezed against the line above).

    The line striking the old value through is whited out too: OCR would read its end as a letter.
    """
    x0, y0, x1, y1 = (max(int(c), 0) for c in box)
    crop, under = scan[y0:y1, x0:x1].copy(), ref[y0:y1, x0:x1]
    lines: np.ndarray = cv2.morphologyEx((crop < INK).astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, STROKE), np.uint8))
    gone = np.maximum((under < INK).astype(np.uint8), lines)
    crop[cv2.dilate(gone, np.ones((5, 5), np.uint8)) > 0] = 255
    return ocr.read_region(np.pad(crop, 12, constant_values=255), (0, 0, crop.shape[1] + 24, crop.shape[0] + 24))


def _below(lines: list[tuple[int, int, int, int]], mark: tuple[int, ...]) -> float | None:
    """Return how far a value's line lies under a mark's middle, when the mark is on it or just above it."""
    mx0, my0, mx1, my1 = mark
    gaps = [
        (vy0 + vy1) / 2 - (my0 + my1) / 2
        for vx0, vy0, vx1, vy1 in lines
        if min(vx1, mx1) > max(vx0, mx0) and vy0 - ABOVE <= my1 and my0 <= vy1
    ]
    gaps = [g for g in gaps if g >= -10]
    return min(gaps) if gaps else None


def _takes(r: ValueRead, text: str) -> bool:
    """Tell whether a mark's text can stand for a value of r's type (a figure for an amount, …)."""
    flat = normalize(text).translate(DIGITS)
    if r.filter == "tick":
        return True
    if r.filter in NUMERIC:
        return bool(NUMBER.fullmatch(flat))
    if r.filter == "capitals":
        return _capitals(flat) is not None
    if r.filter == "cdate":
        return bool(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", flat))
    return bool(flat) and not NUMBER.fullmatch(flat) if r.filter == "name" else bool(flat)


def _written(r: ValueRead, text: str) -> str:
    flat = normalize(text)
    return flat.translate(DIGITS) if r.filter in NUMERIC | {"idno", "phone", "unit"} else flat


# -- the values as read, for the rules ---------------------------------------------------------------------------
def substitute(parsed: Parsed, reads: list[ValueRead]) -> Parsed:
    """Return a copy of the parse with each handwritten value in place of the printed one."""
    taken = {(r.path, r.filter, r.at): r.taken for r in reads if r.how == WRITTEN}
    if not taken:
        return parsed
    values = [dataclasses.replace(v, text=taken.get((v.path, v.filter, v.at), v.text)) for v in parsed.values]
    return dataclasses.replace(parsed, values=values)


def annotated(findings: list[Finding], reads: list[ValueRead]) -> list[Finding]:
    """Say in each finding on a handwritten value that it was read by OCR from the scan (page and box)."""
    written = [r for r in reads if r.how == WRITTEN]
    out = []
    for f in findings:
        paths = f.extra.get("paths") or []
        hits = [
            r
            for r in written
            if any(r.path == p or r.path.startswith(p + ".") or r.path.startswith(p + "[") for p in paths)
        ]
        if hits:
            extra = dict(f.extra, read_from_scan=[r.row() for r in hits])
            f = dataclasses.replace(f, message=f.message + "（" + _said(hits) + "）", extra=extra)
        out.append(f)
    return out


def _said(hits: list[ValueRead]) -> str:
    return "；".join(f"第{r.page}页手写“{r.row()['taken']}”，由扫描件识别，印为“{r.row()['printed']}”" for r in hits)


def rows(reads: list[ValueRead], place: Callable[[ValueRead], str] | None = None) -> list[dict[str, Any]]:
    """Return the values read, page by page, for the report (named where a reader finds them, when place is given)."""
    ordered = sorted(reads, key=lambda r: (r.page, r.box[1], r.box[0]))
    return [r.row() | ({"where": place(r)} if place else {}) for r in ordered]


HOW = {SAME: "", DIFFERS: "识别为“{read}”，该处无改动痕迹，按打印件", WRITTEN: "手写改为“{taken}”，印为“{printed}”"}


def summary(rows: list[dict[str, Any]]) -> list[str]:
    """Write the values read as one line per page, for the terminal."""
    pages: dict[int, list[str]] = {}
    for r in rows:
        value = r["taken"] if not r.get("option") else f"{r['option']}{r['taken']}"
        said = HOW[r["how"]].format(**r)
        pages.setdefault(r["page"], []).append(
            f"{r.get('where') or r['path']} {value}" + (f"（{said}）" if said else "")
        )
    return [f"第{n}页：" + "；".join(items) for n, items in sorted(pages.items())]
