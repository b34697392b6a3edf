"""An electronic PDF's pages as a reader sees them, compared with the PDF as it was printed for signing.

The stored text can say one thing while the page draws another (a ToUnicode map that gives the text of
glyphs that are not drawn, glyphs swapped for blanks or for other characters): only the picture shows it.
Each page whose stored text is the printed page's is rendered (pypdfium2) beside the printed page, aligned,
and their ink compared with a pixel of tolerance, so a clean PDF saved again by another program checks clean.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from toolkit.read.pageimage import render_page

PRINTED_ENV = "LOUPAN_PRINTED"  # folders (os.pathsep-separated) where printed PDFs are kept, as for scans
MARKED = "LoupanMarks"  # the printed PDF's info entry (render/marks.py)
DPI = 150
INK = 128  # darker than this is ink
APART = 110  # grey levels a pixel must be from every pixel around it on the other page to differ
CELL = 10  # px: differences are counted per cell of the page
CELL_PX = 4  # differing pixels for a cell to count
MIN_PX = 12  # differing pixels for a region to count (a glyph at 10.5 pt covers some 60)
SHIFT = 2  # px: a page drawn this much off is aligned before it is compared
LOCAL = 3  # px: a region that matches this far off is a glyph placed a little apart, not another glyph


@dataclass(frozen=True)
class Difference:
    """Where a page shows something else than the printed page: its box (points), and the text there."""

    page: int
    box: tuple[float, float, float, float]  # left, bottom, right, top
    printed: str  # the printed page's characters inside the box
    stored: str  # this file's stored characters inside the box
    near: str  # the printed text of the lines the box touches (to name the clause)


@dataclass
class Comparison:
    """What comparing with the printed PDF gave: the differences, and how each page was compared."""

    printed: Path | None
    differences: list[Difference] = field(default_factory=list)
    pages: dict[int, str] = field(default_factory=dict)  # page N → how it was compared

    def how(self) -> str:
        """Say in one line how the pages were compared, for the report."""
        if self.printed is None:
            return "未找到打印时的PDF，页面图像未与打印件比对（只核对了文件中存储的文字）"
        same = [n for n, h in self.pages.items() if h == "compared"]
        others = [f"第{n}页{h}" for n, h in sorted(self.pages.items()) if h != "compared"]
        head = f"页面图像已与打印件 {self.printed.name} 比对（{len(same)}页）"
        return "；".join([head, *others])


def find_printed(document_id: str, near: list[Path], checked: Path, script: str = "") -> Path | None:
    """Find the printed (marked) PDF of a document in LOUPAN_PRINTED or else near it, not the file itself.

    The kept folders come first: a file dropped beside the one checked is not what was printed. A printed PDF
    is named by its document id (with the script, -hant, when it is not the default) and says so inside.
    """
    if not document_id:
        return None
    folders = [*(Path(p) for p in os.environ.get(PRINTED_ENV, "").split(os.pathsep) if p), *near]
    wanted = {f"{document_id}.pdf".lower(), f"{document_id}-{script}.pdf".lower()}
    itself = _resolved(checked)
    for folder in folders:
        for pdf in sorted(folder.rglob("*.pdf")) if folder.is_dir() else []:
            if pdf.name.lower() in wanted and _resolved(pdf) != itself and _is_printed(pdf, document_id, script):
                return pdf
    return None


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def _is_printed(pdf: Path, document_id: str, script: str) -> bool:
    """Tell whether a PDF carries the print marks of this document in this script."""
    try:
        doc = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError:
        return False
    try:
        meta = {k: doc.get_metadata_value(k) for k in (MARKED, "LoupanDocumentId", "LoupanScript")}
    finally:
        doc.close()
    same_script = not script or meta["LoupanScript"] in ("", script)
    return meta[MARKED] == "1" and meta["LoupanDocumentId"] == document_id and same_script


def compare(data: bytes, printed: Path) -> Comparison:
    """Compare each page of a PDF (its bytes) with the same page of the printed PDF."""
    out = Comparison(printed)
    reference = printed.read_bytes()
    mine, theirs = pdfium.PdfDocument(data), pdfium.PdfDocument(reference)
    if data == reference:  # the very file that was printed: its pages are the printed pages
        out.pages = {n: "compared" for n in range(1, len(theirs) + 1)}
        mine.close()
        theirs.close()
        return out
    try:
        for n in range(1, max(len(mine), len(theirs)) + 1):
            if n > len(mine) or n > len(theirs):
                out.pages[n] = "打印件中没有" if n > len(theirs) else "本文件中没有"
                continue
            a, b = mine[n - 1], theirs[n - 1]
            if _flat(a.get_textpage().get_text_range()) != _flat(b.get_textpage().get_text_range()):
                out.pages[n] = "存储的文字与打印件不同（由文字比对报告），未做图像比对"
                continue
            out.pages[n] = "compared"
            out.differences += _page(n, a, b)
    finally:
        mine.close()
        theirs.close()
    return out


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _page(n: int, mine: pdfium.PdfPage, printed: pdfium.PdfPage) -> list[Difference]:
    seen, want = _aligned(mine, printed)
    if np.array_equal(seen, want):
        return []
    seen = _best_shift(seen, want)
    regions = _regions((_far(seen, want) > APART) | (_far(want, seen) > APART))
    regions = [r for r in regions if not _settles(seen, want, r)]
    if not regions:
        return []
    k, crop = DPI / 72, printed.get_cropbox()
    theirs, ours = _chars(printed), _chars(mine)
    out = []
    for x0, y0, x1, y1 in regions:
        box = (crop[0] + x0 / k, crop[3] - y1 / k, crop[0] + x1 / k, crop[3] - y0 / k)
        out.append(Difference(n, box, _inside(theirs, box), _inside(ours, box), _lines(theirs, box)))
    return out


def _aligned(mine: pdfium.PdfPage, printed: pdfium.PdfPage) -> tuple[np.ndarray, np.ndarray]:
    """Render both pages at one scale, the checked page placed where its crop box puts it on the printed page."""
    want, seen = render_page(printed, DPI), render_page(mine, DPI)
    if seen.shape == want.shape and mine.get_cropbox() == printed.get_cropbox():
        return seen, want
    k, (px0, _, _, py1), (mx0, _, _, my1) = DPI / 72, printed.get_cropbox(), mine.get_cropbox()
    dx, dy = int(round((mx0 - px0) * k)), int(round((py1 - my1) * k))
    canvas = np.full(want.shape, 255, dtype=want.dtype)
    h, w = want.shape
    ys, xs = slice(max(dy, 0), min(dy + seen.shape[0], h)), slice(max(dx, 0), min(dx + seen.shape[1], w))
    canvas[ys, xs] = seen[ys.start - dy : ys.stop - dy, xs.start - dx : xs.stop - dx]
    return canvas, want


def _best_shift(seen: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Shift the checked page by up to SHIFT pixels to where its ink meets the printed page's best."""
    ink_want = want < INK
    best, best_score = seen, int(((seen < INK) ^ ink_want).sum())
    for dy in range(-SHIFT, SHIFT + 1):
        for dx in range(-SHIFT, SHIFT + 1):
            if dx or dy:
                moved = np.roll(seen, (dy, dx), axis=(0, 1))
                score = int(((moved < INK) ^ ink_want).sum())
                if score < best_score:
                    best, best_score = moved, score
    return best


def _settles(seen: np.ndarray, want: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Tell whether a region is the same ink a few pixels off (another program placed a glyph a little apart)."""
    x0, y0, x1, y1 = box
    h, w = want.shape
    x0, y0, x1, y1 = max(x0, LOCAL), max(y0, LOCAL), min(x1, w - LOCAL), min(y1, h - LOCAL)
    if x1 <= x0 or y1 <= y0:
        return False
    patch = want[y0:y1, x0:x1]
    for dy in range(-LOCAL, LOCAL + 1):
        for dx in range(-LOCAL, LOCAL + 1):
            moved = seen[y0 + dy : y1 + dy, x0 + dx : x1 + dx]
            apart = (_far(moved, patch) > APART) | (_far(patch, moved) > APART)
            if int(apart.sum()) < MIN_PX:
                return True
    return False


def _far(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return how far each pixel of b is from the nearest grey of a within one pixel (anti-aliasing, rounding)."""
    h, w = b.shape
    pad = np.pad(a.astype(np.int16), 1, mode="edge")
    ref = b.astype(np.int16)
    return np.min(
        [np.abs(pad[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] - ref) for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0
    )


def _regions(diff: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Group the differing pixels into regions (pixel boxes x0, y0, x1, y1) by cells that touch."""
    h, w = diff.shape
    rows, cols = -(-h // CELL), -(-w // CELL)
    padded = np.zeros((rows * CELL, cols * CELL), dtype=np.int32)
    padded[:h, :w] = diff
    counts = padded.reshape(rows, CELL, cols, CELL).sum(axis=(1, 3))
    hot = {(int(r), int(c)) for r, c in zip(*np.nonzero(counts >= CELL_PX))}
    out = []
    while hot:
        todo, group = [hot.pop()], []
        while todo:
            r, c = todo.pop()
            group.append((r, c))
            for cell in ((r + i, c + j) for i in (-1, 0, 1) for j in (-1, 0, 1)):
                if cell in hot:
                    hot.remove(cell)
                    todo.append(cell)
        if sum(int(counts[r, c]) for r, c in group) >= MIN_PX:
            r0, r1 = min(r for r, _ in group), max(r for r, _ in group) + 1
            c0, c1 = min(c for _, c in group), max(c for _, c in group) + 1
            out.append((c0 * CELL, r0 * CELL, min(c1 * CELL, w), min(r1 * CELL, h)))
    return sorted(out, key=lambda b: (b[1], b[0]))


def _chars(page: pdfium.PdfPage) -> list[tuple[str, tuple[float, float, float, float]]]:
    tp = page.get_textpage()
    return [(c, tp.get_charbox(i)) for i, c in enumerate(tp.get_text_range()) if c.strip()]


def _inside(chars, box) -> str:
    """Return the characters whose centre lies in a box (points)."""
    x0, y0, x1, y1 = box
    return "".join(c for c, (a, b, r, t) in chars if x0 <= (a + r) / 2 <= x1 and y0 <= (b + t) / 2 <= y1)


def _lines(chars, box, reach: float = 2.0) -> str:
    """Return the printed text of the lines a box touches."""
    _, y0, _, y1 = box
    return "".join(c for c, (_, b, _, t) in chars if b < y1 + reach and t > y0 - reach)
