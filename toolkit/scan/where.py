"""Where a mark is: the printed text under it and the clause it touches, from the printed page's text boxes."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium

from toolkit.pack.clauses import Segment
from toolkit.pack.headings import headings
from toolkit.text import normalize

WINDOW = 6  # characters of fixed wording that place a line of print in one segment


@dataclass
class PageText:
    """A printed page's characters with their boxes in reference pixels."""

    chars: list[str]
    boxes: list[tuple[float, float, float, float]]  # x0, y0, x1, y1 (pixels, y down)

    def near(self, box: tuple[int, int, int, int], reach: float = 40) -> str:
        """Return the printed text of the lines a box overlaps or touches (the line above it first)."""
        x0, y0, x1, y1 = box
        picked = [
            i
            for i, (a, b, c, d) in enumerate(self.boxes)
            if b < y1 + reach and d > y0 - reach and c > x0 - 4 * reach and a < x1 + 4 * reach
        ]
        return "".join(self.chars[i] for i in picked)

    def under(self, box: tuple[int, int, int, int]) -> str:
        """Return the printed characters inside a box."""
        x0, y0, x1, y1 = box
        return "".join(
            self.chars[i]
            for i, (a, b, c, d) in enumerate(self.boxes)
            if a >= x0 - 3 and c <= x1 + 3 and b >= y0 - 3 and d <= y1 + 3
        )

    def before(self, box: tuple[int, int, int, int], reach: int = 160) -> str:
        """Return up to `reach` printed characters that come before the box in reading order (the text above it)."""
        x0, y0, x1, y1 = box
        middle = (y0 + y1) / 2
        at = next(
            (i for i, (a, b, c, d) in enumerate(self.boxes) if b <= middle <= d and c > x0 and a < x1),
            next((i for i, (_, b, _, _) in enumerate(self.boxes) if b > y1), len(self.chars)),
        )
        return "".join(self.chars[max(at - reach, 0) : at])

    def row_label(self, box: tuple[int, int, int, int], below: int = 30) -> str:
        """Return the printed text left of the box on the line at or just below its bottom (a table row's label).

        A correction is written above the value it replaces, so the row is the one under the writing.
        """
        x0, y0, x1, y1 = box
        left = [(ch, (b + d) / 2) for ch, (a, b, c, d) in zip(self.chars, self.boxes) if c <= x0]
        lines = [m for _, m in left if y0 <= m <= y1 + below]
        if not lines:
            return ""
        line = min(lines, key=lambda m: abs(m - y1))
        return "".join(ch for ch, m in left if abs(m - line) < 6)

    def value_below(self, box: tuple[int, int, int, int], below: int = 30) -> str:
        """Return the printed number at or just under a mark (what a correction written above it replaces)."""
        x0, y0, x1, y1 = box
        near = [(ch, bb) for ch, bb in zip(self.chars, self.boxes) if bb[2] > x0 - 20 and bb[0] < x1 + 20]
        digits = [(bb[1] + bb[3]) / 2 for ch, bb in near if ch.isdigit() and y0 <= (bb[1] + bb[3]) / 2 <= y1 + below]
        for line in sorted(digits, key=lambda m: abs(m - y1)):
            # punctuation sits low on the line: a character belongs to it when its box spans the line's middle
            run = "".join(ch for ch, bb in sorted(near, key=lambda t: t[1][0]) if abs((bb[1] + bb[3]) / 2 - line) < 10)
            number = NUMBER.search(run)
            if number:
                return number.group(0)
        return ""


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def same_figures(a: str, b: str) -> bool:
    """Tell whether two written numbers are the same amount (separators and trailing .00 aside)."""

    def flat(x: str) -> str:
        x = x.replace(",", "").replace(" ", "")
        return x[:-3] if x.endswith(".00") else x

    return flat(a) == flat(b)


def page_text(pdf_page: pdfium.PdfPage, dpi: int) -> PageText:
    """Read a printed page's characters and boxes, converted to pixels at dpi."""
    tp = pdf_page.get_textpage()
    height = float(pdf_page.get_size()[1])
    k = dpi / 72
    chars, boxes = [], []
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if ch.strip():
            left, b, r, t = tp.get_charbox(i)
            chars.append(ch)
            boxes.append((left * k, (height - t) * k, r * k, (height - b) * k))
    return PageText(chars, boxes)


def clause_of(text: str, segments: list[Segment]) -> str:
    """Return the clause id whose fixed wording holds the most windows of the text ('' when none does)."""
    flat = re.sub(r"[\s\d]", "", normalize(text))
    scores: dict[str, int] = {}
    fixed = [(_clause(segments, i), re.sub(r"\s", "", normalize(_fixed(s)))) for i, s in enumerate(segments)]
    for start in range(0, max(len(flat) - WINDOW, 0) + 1, 2):
        window = flat[start : start + WINDOW]
        for clause, wording in fixed:
            if clause and len(window) == WINDOW and window in wording:
                scores[clause] = scores.get(clause, 0) + 1
    return max(scores, key=scores.__getitem__) if scores else ""


def _fixed(seg: Segment) -> str:
    return "".join(t.text for t in seg.tokens if not t.is_var)


def _clause(segments: list[Segment], i: int) -> str:
    """Return a segment's clause id, or that of the nearest clause before it (headings carry none)."""
    while i >= 0 and not segments[i].clause_id:
        i -= 1
    return segments[i].clause_id if i >= 0 else ""


def clause_before(text: str, segments: list[Segment]) -> str:
    """Return the clause of the last window of fixed wording in text (what a table cell below it belongs to)."""
    flat = re.sub(r"[\s\d]", "", normalize(text))
    fixed = [(_clause(segments, i), re.sub(r"\s", "", normalize(_fixed(s)))) for i, s in enumerate(segments)]
    for start in range(len(flat) - WINDOW, -1, -1):
        window = flat[start : start + WINDOW]
        found = {clause for clause, wording in fixed if clause and window in wording}
        if len(found) == 1:
            return found.pop()
    return ""


def page_place(n: int, clause: str, segments: list[Segment]) -> str:
    """Say where a mark is as a reader finds it: 第3页，第四条 (the clause id itself goes in the finding's `clause`)."""
    head = headings(segments).get(clause, "") if clause else ""
    return f"第{n}页" + (f"，{head}" if head else "")
