"""Where a reader finds what a finding is about: "附件四 付款计划 第1行 定金", with the clause id beside it.

Parsing names places by the template's internals (`table cell 240`, `deal.plan[0].amount`); a sales admin
looks for the article or annex heading, the table, the row. The outline of the compiled template gives the
heading and the nearest clause id of every segment; the printed values give the row's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.checks.printed import Printed
from toolkit.fields import ITEM_LABELS, LABELS
from toolkit.fields import LISTS as LIST_LABELS
from toolkit.pack.clauses import CompiledDocument, Loop, Segment
from toolkit.pack.headings import FRONT
from toolkit.pack.headings import heading as opens_heading

_ITEM = re.compile(r"^([a-z_.]+)\[(\d+)\](?:\.(\w+))?$")
# The tables a document prints a list in, and the field that names a row; the fields' names (toolkit/fields.py).
ROW_NAMES = {"deal.plan": "item", "deal.discounts": "name", "buyers": "name"}
LISTS = {path: (name, ROW_NAMES[path]) for path, name in LIST_LABELS.items()}
FIELDS = {**ITEM_LABELS, **LABELS}


@dataclass(frozen=True)
class Place:
    """A location as a reader finds it, and the clause id it stands in (or after)."""

    location: str
    clause: str = ""


class Outline:
    """The headings and clause ids of a compiled document, by segment key (clause id or label)."""

    def __init__(self, compiled: CompiledDocument | None):
        self.at: dict[str, Place] = {}
        heading, clause = FRONT, ""
        for seg in _walk(compiled.nodes) if compiled is not None else ():
            title = opens_heading(seg)
            if title:
                heading, clause = title, ""
            clause = seg.clause_id or clause
            self.at[seg.clause_id or seg.label] = Place(heading, clause)

    def place(self, key: str, printed: Printed | None = None, path: str = "") -> Place:
        """Place a segment key, a printed path, or a path printed in a given segment."""
        if key.startswith("after ") and not path:  # text inserted after a clause (read/parse): under its heading
            after = self.at.get(key.removeprefix("after "), Place(FRONT))
            return Place(after.location or FRONT, after.clause)
        path = path or ("" if key in self.at else key.removesuffix(" (document properties)"))
        if key not in self.at and printed is not None:
            key = _segment_of(printed, path) or key
        where = self.at.get(key, Place(""))
        what = describe(path, printed) if path else ""
        return Place(" ".join(p for p in (where.location, what) if p) or key, where.clause)


def _walk(nodes: list):
    """Yield the segments of a template in reading order (every branch of a condition)."""
    for node in nodes:
        if isinstance(node, Segment):
            yield node
        else:
            yield from _walk(node.body if isinstance(node, Loop) else [n for b in node.branches for n in b])


def _segment_of(printed: Printed, path: str) -> str:
    """Return the segment a path is first printed in (a list path: its first row's)."""
    values = printed.by_path.get(path) or next(
        (vs for p, vs in printed.by_path.items() if p.startswith((path + "[", path + ".")) and vs), []
    )
    return values[0].clause if values else ""


def describe(path: str, printed: Printed | None = None) -> str:
    """Name a printed path as a reader would: 付款计划 第1行 定金 金额, 成交总价."""
    if path in LISTS:
        return LISTS[path][0]
    m = _ITEM.match(path)
    if m and m.group(1) in LISTS:
        table, key = LISTS[m.group(1)]
        i = int(m.group(2))
        name = printed.typed(f"{m.group(1)}[{i}].{key}") if printed is not None else None
        field = FIELDS.get(m.group(3) or "", "")
        return " ".join(str(p) for p in (table, f"第{i + 1}行", name or "", field) if p)
    return FIELDS.get(path, path)
