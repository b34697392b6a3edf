"""Where a reader finds what a finding is about: "附件四 付款计划 第1行 定金", with the clause id beside it.

Parsing names places by the template's internals (`table cell 240`, `deal.plan[0].amount`); a sales admin
looks for the article or annex heading, the table, the row. The outline of the compiled template gives the
heading and the nearest clause id of every segment; the printed values give the row's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.checks.printed import Printed
from toolkit.pack.clauses import CompiledDocument, Loop, Segment

_HEADING = re.compile(r"^(第[一二三四五六七八九十百零]+[章条條]|附件[一二三四五六七八九十]+|[一二三四五六七八九十]+、)")
_ITEM = re.compile(r"^([a-z_.]+)\[(\d+)\](?:\.(\w+))?$")
# The tables a document prints a list in, and the field that names a row.
LISTS = {"deal.plan": ("付款计划", "item"), "deal.discounts": ("优惠", "name"), "buyers": ("买受人", "name")}
FIELDS = {
    "amount": "金额",
    "due": "应付日期",
    "rate_pct": "比例",
    "id_no": "证件号码",
    "phone": "联系电话",
    "share_pct": "产权份额",
    "deal.total": "成交总价",
    "deal.unit_price": "成交单价",
    "deal.list_total": "标价总价",
    "deal.deposit": "定金",
    "deal.down_payment": "首期房价款",
    "deal.subscribe_date": "认购日期",
    "deal.sign_deadline": "签约期限",
    "unit.code": "房号",
    "unit.building_area": "建筑面积",
    "unit.inner_area": "套内建筑面积",
    "unit.shared_area": "分摊共有建筑面积",
    "unit.list_unit_price": "标价单价",
    "seller.uscc": "统一社会信用代码",
}


@dataclass(frozen=True)
class Place:
    """A location as a reader finds it, and the clause id it stands in (or after)."""

    location: str
    clause: str = ""


class Outline:
    """The headings and clause ids of a compiled document, by segment key (clause id or label)."""

    def __init__(self, compiled: CompiledDocument | None):
        self.at: dict[str, Place] = {}
        heading, clause = "", ""
        for seg in _walk(compiled.nodes) if compiled is not None else ():
            title = _heading(seg)
            if title:
                heading, clause = title, ""
            clause = seg.clause_id or clause
            self.at[seg.clause_id or seg.label] = Place(heading, clause)

    def place(self, key: str, printed: Printed | None = None, path: str = "") -> Place:
        """Place a segment key, a printed path, or a path printed in a given segment."""
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


def _heading(seg: Segment) -> str:
    if seg.clause_id or any(t.is_var for t in seg.tokens):
        return ""
    m = _HEADING.match("".join(t.text for t in seg.tokens))
    return m.group(1).rstrip("、") if m else ""


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
