"""Put the cells of a table read by OCR back in the order they were printed, by their boxes.

OCR reads a table whose rows are not level (a label centred beside a cell of two lines) in an order of its
own, so the text-level comparison sees reordered cells as changes. Here each OCR line of the table is
placed, whole and exactly, where its text is in the printed stretch the table covers, and the placement is
kept only when it agrees with the boxes: a cell above another in its column, or left of another in its row,
is printed before it. A line found nowhere exactly (a changed amount) goes where the printed text left
uncovered resembles it most, so the comparison that follows still sees the change. Two cells swapped (two
amounts, two dates) contradict their boxes: the table is then left as OCR read it, and is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Protocol, TypeVar

from toolkit.scan.textcompare import MOVED, flatten, locate

NARROW = 0.4  # a line narrower than this share of the page's text is a cell, or a line of one
MARGIN = 10  # skeleton characters of printed text searched beyond the table's own length


class Boxed(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def box(self) -> tuple[int, int, int, int]: ...


L = TypeVar("L", bound=Boxed)


def reorder(lines: list[L], doc: str) -> list[L] | None:
    """Return the lines with one table's cells in printed order (None: no table, or cells that fit nowhere)."""
    block = table_block(lines)
    if block is None:
        return None
    i0, i1 = block
    skel = [flatten(ln.text).text for ln in lines]
    p0 = sum(map(len, skel[:i0]))
    p1 = p0 + sum(map(len, skel[i0:i1]))
    region = _region("".join(skel), doc, p0, p1)
    if region is None:
        return None
    a0, a1, base = region
    keys = _placed(lines[i0:i1], skel[i0:i1], doc[a0:a1], base)
    if keys is None:
        return None
    cells = [ln for _, ln in sorted(zip(keys, lines[i0:i1]), key=lambda kv: kv[0])]
    return [*lines[:i0], *cells, *lines[i1:]]


def table_block(lines: Sequence[Boxed]) -> tuple[int, int] | None:
    """Return the first and past-last index of the lines of a table (lines sharing their row with another)."""
    cells = [i for i, ln in enumerate(lines) if any(_same_row(ln, o) and _apart(ln, o) for o in lines if o is not ln)]
    if len(cells) < 4:
        return None
    i0, i1 = cells[0], cells[-1] + 1
    width = max(ln.box[2] for ln in lines) - min(ln.box[0] for ln in lines)
    while i1 < len(lines) and _hangs(lines[i1], lines[i0:i1], width):  # the last line of a wrapped cell
        i1 += 1
    return i0, i1


def _hangs(ln: Boxed, block: Sequence[Boxed], width: int) -> bool:
    bottom = max(o.box[3] for o in block)
    narrow = ln.box[2] - ln.box[0] < NARROW * width
    return narrow and ln.box[1] - bottom < 0.5 * (ln.box[3] - ln.box[1])


def _overlap(a0: int, a1: int, b0: int, b1: int) -> float:
    """Return the share of the shorter of two ranges the other covers."""
    return max(0, min(a1, b1) - max(a0, b0)) / max(min(a1 - a0, b1 - b0), 1)


def _same_row(a: Boxed, b: Boxed) -> bool:
    return _overlap(a.box[1], a.box[3], b.box[1], b.box[3]) > 0.5


def _same_column(a: Boxed, b: Boxed) -> bool:
    return _overlap(a.box[0], a.box[2], b.box[0], b.box[2]) > 0.5


def _apart(a: Boxed, b: Boxed) -> bool:
    return a.box[2] <= b.box[0] or b.box[2] <= a.box[0]


def _before(a: Boxed, b: Boxed) -> bool:
    """Tell whether a cell is printed before another: above it in its column, or left of it in its row."""
    if _same_column(a, b) and not _same_row(a, b):
        return (a.box[1] + a.box[3]) < (b.box[1] + b.box[3])
    return _same_row(a, b) and a.box[2] <= b.box[0]


def _region(page: str, doc: str, p0: int, p1: int) -> tuple[int, int, int] | None:
    """Return the stretch of the document between the page's text aligned before and after the table.

    And where in it the table likely starts: the stretch reaches beyond the table where a side has no text.
    """
    span = locate(page, doc)
    if span is None:
        return None
    s, e = span
    ops = SequenceMatcher(None, doc[s:e], page, autojunk=False).get_opcodes()
    same = [(s + i1, j1, j2) for tag, i1, _, j1, j2 in ops if tag == "equal" and j2 - j1 >= MOVED]
    before = [i + min(j2, p0) - j1 for i, j1, j2 in same if j1 < p0]
    after = [i + max(j1, p1) - j1 for i, j1, j2 in same if j2 > p1]
    if before and after:
        return before[-1], after[0], max(after[0] - before[-1] - (p1 - p0), 0) // 2
    if after:  # the table starts the page: the stretch reaches back a little
        a0 = max(s, after[0] - (p1 - p0) - MARGIN)
        return a0, after[0], max(after[0] - a0 - (p1 - p0), 0)
    if before:
        return before[-1], min(e, before[-1] + (p1 - p0) + MARGIN), 0
    return None


def _placed(cells: Sequence[Boxed], skel: list[str], doc: str, base: int) -> list[float] | None:
    """Return where in the printed stretch each cell goes (None when a cell found there contradicts its box)."""
    at: dict[int, int] = {}
    taken = bytearray(len(doc))
    estimate = [base + sum(map(len, skel[:k])) for k in range(len(skel))]  # as if read in printed order
    for k in sorted(range(len(cells)), key=lambda k: -len(skel[k])):
        if not skel[k]:
            continue
        spots = _occurrences(skel[k], doc)
        if not spots:
            continue  # changed: placed below, where the printed text left over resembles it
        free = [j for j in spots if not any(taken[j : j + len(skel[k])])]
        fits = [j for j in free if all(_agrees(cells[k], j, cells[m], at[m]) for m in at)]
        if free and not fits:
            return None
        if not fits:
            continue  # read twice: left over
        j = min(fits, key=lambda j: abs(j - estimate[k]))
        at[k] = j
        taken[j : j + len(skel[k])] = b"\x01" * len(skel[k])
    return [at[k] if k in at else _gap_for(skel[k], doc, taken, k / 1000) for k in range(len(cells))]


def _occurrences(text: str, doc: str) -> list[int]:
    out, j = [], doc.find(text)
    while j >= 0:
        out.append(j)
        j = doc.find(text, j + 1)
    return out


def _agrees(a: Boxed, ja: int, b: Boxed, jb: int) -> bool:
    """Tell whether two cells placed at ja and jb are in the order their boxes say."""
    return not (_before(a, b) and ja > jb or _before(b, a) and jb > ja)


def _gap_for(text: str, doc: str, taken: bytearray, tie: float) -> float:
    """Return where the uncovered printed text that most resembles a cell starts (the end when none is left)."""
    gaps, j = [], 0
    while j < len(doc):
        if taken[j]:
            j += 1
            continue
        g = j
        while j < len(doc) and not taken[j]:
            j += 1
        gaps.append((g, doc[g:j]))
    if not gaps:
        return len(doc) + tie
    g, _ = max(gaps, key=lambda gap: SequenceMatcher(None, gap[1], text, autojunk=False).ratio())
    return g + tie
