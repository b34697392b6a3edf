"""Compare OCR'd page text with the text that was printed, tolerant of OCR noise but not of changes.

Both texts are reduced to a skeleton (width folded, whitespace and punctuation dropped: OCR loses and
confuses those), the page is located in the document by unique anchors, and the two are aligned. What
differs is grouped into hunks. A hunk is OCR noise when it is one character of fixed wording (no digit, no
negation, not part of a filled-in value); text that only moved (a table read row by row, a wrapped cell) is
not a difference. Everything else (a changed amount, date, name, ID number or unit; a sentence changed,
added or removed) is kept, to be read again before it becomes a finding.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

KEEP = re.compile(r"[0-9A-Z%□■\u3400-\u9fff\uf900-\ufaff]")
FOLD = {"口": "□", "〇": "0"}  # OCR reads an empty tick box as 口
NEGATION = set("不未无非勿否免没")
ANCHOR = 8  # characters of a unique anchor that place a page in the document
SLACK = 40  # characters read around the anchored stretch
MOVED = 4  # text of at least this length found elsewhere on the other side only moved
JOIN = 2  # hunks closer than this are one


@dataclass(frozen=True)
class Flat:
    """A text's skeleton and where each of its characters is in the text."""

    text: str
    at: tuple[int, ...]
    source: str

    def original(self, start: int, end: int) -> str:
        """Return the source text of skeleton characters start..end (punctuation between them included)."""
        if start >= end:
            return ""
        return self.source[self.at[start] : self.at[end - 1] + 1]


def flatten(text: str) -> Flat:
    """Reduce a text to its skeleton: CJK, Latin letters (upper case), digits, % and tick boxes."""
    chars, at = [], []
    for i, ch in enumerate(text):
        c = unicodedata.normalize("NFKC", ch).upper()[:1]
        c = FOLD.get(c, c)
        if c and KEEP.match(c):
            chars.append(c)
            at.append(i)
    # a dash between letters or digits (a unit code, 1-1801) is read as 一 by OCR: it is punctuation here
    keep = [
        k
        for k, c in enumerate(chars)
        if not (c == "一" and 0 < k < len(chars) - 1 and chars[k - 1].isascii() and chars[k + 1].isascii())
    ]
    return Flat("".join(chars[k] for k in keep), tuple(at[k] for k in keep), text)


@dataclass(frozen=True)
class Hunk:
    """Where the page differs: expected skeleton a0..a1 (of the document), found skeleton b0..b1 (of the page)."""

    a0: int
    a1: int
    b0: int
    b1: int
    expected: str
    found: str


def locate(page: str, doc: str) -> tuple[int, int] | None:
    """Return the stretch of the document a page's skeleton covers, from anchors found once in both."""
    hits = []
    for i in range(0, max(len(page) - ANCHOR, 0) + 1, 3):
        w = page[i : i + ANCHOR]
        j = doc.find(w)
        if len(w) == ANCHOR and j >= 0 and doc.find(w, j + 1) < 0:
            hits.append((j - i, j, i))
    if len(hits) < 3:
        return None
    offsets = sorted(h[0] for h in hits)
    middle = offsets[len(offsets) // 2]
    good = [h for h in hits if abs(h[0] - middle) <= max(80, len(page) // 4)]
    start = min(j - i for _, j, i in good)
    end = max(j + len(page) - i for _, j, i in good)
    return max(start - SLACK, 0), min(end + SLACK, len(doc))


def align(page: str, doc: str, span: tuple[int, int]) -> tuple[tuple[int, int], list[Hunk]]:
    """Align a page with its stretch of the document; return what of the document it covers, and the hunks."""
    s, e = span
    ops = SequenceMatcher(None, doc[s:e], page, autojunk=False).get_opcodes()
    while ops and ops[0][0] == "delete":
        ops.pop(0)
    while ops and ops[-1][0] == "delete":
        ops.pop()
    if not ops:
        return (s, s), []
    covered = (s + ops[0][1], s + ops[-1][2])
    raw = [(s + i1, s + i2, j1, j2) for tag, i1, i2, j1, j2 in ops if tag != "equal"]
    merged: list[list[int]] = []
    for a0, a1, b0, b1 in raw:
        if merged and a0 - merged[-1][1] < JOIN and b0 - merged[-1][3] < JOIN:
            merged[-1][1], merged[-1][3] = a1, b1
        else:
            merged.append([a0, a1, b0, b1])
    return covered, [Hunk(a0, a1, b0, b1, doc[a0:a1], page[b0:b1]) for a0, a1, b0, b1 in merged]


def _run(text: str, start: int, end: int) -> str:
    """Widen a stretch to the whole number it is part of (a digit changed inside an amount)."""
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[start:end]


def moved(h: Hunk, page: str, doc: str, span: tuple[int, int]) -> bool:
    """Tell whether what the hunk takes away is elsewhere on the page and what it adds is elsewhere in the document."""
    gone = _run(doc, h.a0, h.a1) if h.expected else ""
    added = _run(page, h.b0, h.b1) if h.found else ""
    rest_of_page = page[: h.b0] + "|" + page[h.b1 :]
    near = doc[max(span[0] - 200, 0) : h.a0] + "|" + doc[h.a1 : span[1] + 200]
    return _pieces_of(gone, rest_of_page) and _pieces_of(added, near)


def _pieces_of(text: str, other: str) -> bool:
    """Tell whether text is made of pieces of at least MOVED characters found in other (one stray character aside).

    A table is read by OCR row by row, the printed text has it cell by cell: a wrapped cell's lines come apart.
    """
    stray, i = 0, 0
    while i < len(text):
        n = 0
        while i + n < len(text) and text[i : i + n + 1] in other:
            n += 1
        if n >= MOVED:
            i += n
        else:
            stray, i = stray + 1, i + 1
    return len(text) >= MOVED and stray <= 1 or not text


def significant(h: Hunk, values: bytes) -> bool:
    """Tell whether a hunk is more than OCR noise (values: 1 where the document's skeleton is a filled-in value)."""
    both = h.expected + h.found
    if any(c.isdigit() for c in both) or NEGATION & set(both):
        return True
    if max(len(h.expected), len(h.found)) > 1:
        return True
    if h.a0 == h.a1:  # a character added: to a value when a value is next to it
        return any(values[max(h.a0 - 1, 0) : h.a0 + 1])
    return any(values[h.a0 : h.a1])


def value_mask(doc: str, fixed: list[str], window: int = 6) -> bytes:
    """Mark the document's skeleton characters not covered by a window of any fixed wording (its values)."""
    grams = {w[i : i + window] for w in fixed for i in range(len(w) - window + 1)}
    mask = bytearray(b"\x01" * len(doc))
    for i in range(len(doc) - window + 1):
        if doc[i : i + window] in grams:
            mask[i : i + window] = b"\x00" * window
    return bytes(mask)


def differences(page: str, doc: str, values: bytes) -> tuple[tuple[int, int] | None, list[Hunk]]:
    """Locate a page in the document and return what it covers and the hunks that are more than noise."""
    span = locate(page, doc)
    if span is None:
        return None, []
    covered, hunks = align(page, doc, span)
    hunks = [h for h in _unshuffled(hunks) if not moved(h, page, doc, span)]
    return covered, [h for h in hunks if significant(h, values)]


def _unshuffled(hunks: list[Hunk], reach: int = 200) -> list[Hunk]:
    """Drop the longest runs of nearby hunks whose characters are the same both sides (table cells read in another order)."""
    out, i = [], 0
    while i < len(hunks):
        ends = [j for j in range(len(hunks) - 1, i, -1) if hunks[j].a0 - hunks[i].a1 <= reach]
        j = next((j for j in ends if _reordered(hunks[i : j + 1])), None)
        if j is None:
            out.append(hunks[i])
            i += 1
        else:
            i = j + 1
    return out


def _reordered(run: list[Hunk]) -> bool:
    """Tell whether a run of hunks only reorders characters (one misread aside, never a digit or a negation)."""
    gone, added = Counter("".join(h.expected for h in run)), Counter("".join(h.found for h in run))
    odd = (gone - added) + (added - gone)
    return sum(odd.values()) <= 1 and not any(c.isdigit() or c in NEGATION for c in odd)
