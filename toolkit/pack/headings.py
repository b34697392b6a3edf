"""The heading each clause of a template stands under (第四条, 附件四): how a reader finds a clause by its id."""

from __future__ import annotations

import re
from collections.abc import Iterable

from toolkit.pack.clauses import Segment

FRONT = "首部"  # what comes before a document's first heading (its title, number, preamble, notes)
_HEADING = re.compile(r"^(第[一二三四五六七八九十百零]+[章条條]|附件[一二三四五六七八九十]+|[一二三四五六七八九十]+、)")


def heading(seg: Segment) -> str:
    """Return the heading a segment opens (第四条), or '' when it opens none."""
    if seg.clause_id or any(t.is_var for t in seg.tokens):
        return ""
    m = _HEADING.match("".join(t.text for t in seg.tokens))
    return m.group(1).rstrip("、") if m else ""


def headings(segments: Iterable[Segment]) -> dict[str, str]:
    """Return the heading each segment stands under, by its clause id (or label), in reading order."""
    out: dict[str, str] = {}
    current = FRONT
    for seg in segments:
        current = heading(seg) or current
        out.setdefault(seg.clause_id or seg.label, current)
    return out
