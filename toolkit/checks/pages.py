"""Pages missing, repeated or out of order in a text PDF, told by the 第N页共M页 each page prints (scan.pages).

A page taken out, printed twice or put back in the wrong place is one finding that names the pages, not a
cascade of clause.altered: the pages are read in their printed order (a repeat once), the template is walked
over that, and the missing clauses of a page taken out are listed under the page finding.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

from toolkit.read.document import DocumentText
from toolkit.read.parse import Parsed

_FOOTER = re.compile(r"^第(\d+)[页頁]共(\d+)[页頁]$")


@dataclass
class PageOrder:
    """How a PDF's pages stand against the numbers they print."""

    printed: list[int]  # the printed number of each page of the file, in file order
    total: int
    missing: list[int] = field(default_factory=list)
    repeated: list[int] = field(default_factory=list)
    gaps: set[str] = field(default_factory=set)  # the pages (locations) on either side of a missing page

    @property
    def moved(self) -> list[int]:
        """Return the pages that stand out of their printed order (in sorted order)."""
        firsts = list(dict.fromkeys(self.printed))
        return sorted(n for n, want in zip(firsts, sorted(firsts)) if n != want)

    @property
    def named(self) -> list[int]:
        """Return the pages a reader should look at."""
        return sorted(set(self.missing) | set(self.repeated) | set(self.moved))

    def describe(self) -> str:
        """Say in words what is wrong with the pages."""
        parts = []
        if self.missing:
            parts.append("缺少第" + "、".join(map(str, self.missing)) + "页")
        if self.repeated:
            parts.append("第" + "、".join(map(str, self.repeated)) + "页重复")
        if self.moved:
            order = "、".join(map(str, self.printed))
            parts.append("第" + "、".join(map(str, self.moved)) + f"页顺序错乱（文件中的页序为{order}）")
        return f"共{self.total}页的文件" + "；".join(parts)


def printed_order(text: DocumentText) -> tuple[DocumentText, PageOrder | None]:
    """Put a PDF's pages in their printed order, each once; None when they already are (or print no numbers)."""
    numbers = [_FOOTER.match(f) for f in text.footers] if text.kind == "pdf" else []
    if not numbers or None in numbers or len({int(m.group(2)) for m in numbers if m}) != 1:
        return text, None
    printed = [int(m.group(1)) for m in numbers if m]
    total = int(numbers[0].group(2)) if numbers[0] else 0
    if printed == list(range(1, total + 1)):
        return text, None
    counts = Counter(printed)
    order = PageOrder(
        printed, total, sorted(set(range(1, total + 1)) - set(printed)), sorted(n for n, c in counts.items() if c > 1)
    )
    first = {n: i for i, n in reversed(list(enumerate(printed)))}  # a repeated page: its first copy
    units = [text.units[first[n]] for n in sorted(first)]
    for n in order.missing:
        order.gaps |= {text.units[first[k]].location for k in (n - 1, n + 1) if k in first}
    return dataclasses.replace(text, units=units, _starts=[]), order


def taken_out(parsed: Parsed, order: PageOrder) -> list:
    """Remove from the parse the runs of missing clauses at a missing page; return them."""
    if not order.missing:
        return []
    gone = [d for d in parsed.deviations if d.kind == "missing" and d.location in order.gaps]
    parsed.deviations = [d for d in parsed.deviations if d not in gone]
    return gone
