"""The values a document prints, typed: amounts as Decimals, dates as dates, check boxes as the option ticked."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from toolkit.domain.money import parse_capitals
from toolkit.read.parse import Parsed, Value
from toolkit.render.filters import EMPTY, NO_DATE, filters_for
from toolkit.script import to_hant
from toolkit.text import normalize

_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CN = {c: i for i, c in enumerate("零一二三四五六七八九")}
_TYPES = ("yuan", "area", "pct", "int", "cdate", "wanfen", "unit", "idno", "phone", "name", "text", "capitals")
_PREFERRED = {f: i for i, f in enumerate(_TYPES)}  # the order `typed` prefers a path's printed types in


@dataclass
class Printed:
    """A document's printed values by path; `first` gives one value, `all` every occurrence."""

    name: str
    by_path: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))
    ticks: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))

    def all(self, path: str, filter_: str | None = None) -> list[Value]:
        """Return every printed value of a path (optionally of one type)."""
        return [v for v in self.by_path.get(path, []) if filter_ is None or v.filter == filter_]

    def first(self, path: str, filter_: str | None = None) -> Value | None:
        """Return the first printed value of a path, or None."""
        values = self.all(path, filter_)
        return values[0] if values else None

    def typed(self, path: str) -> Any:
        """Return a path's value typed (figures preferred to capitals), or None when it is not printed."""
        best, rank = None, len(_PREFERRED)
        for v in self.by_path.get(path, ()):  # one pass: the first value of the most preferred type
            r = _PREFERRED.get(v.filter, rank)
            if r < rank:
                best, rank = v, r
        return typed(best) if best is not None else self.ticked(path)

    def ticked(self, path: str) -> str | None:
        """Return the option ticked for a path's check boxes (None when there are none or several)."""
        chosen = {v.tick_value for v in self.ticks.get(path, []) if v.text == "■"}
        return chosen.pop() if len(chosen) == 1 else None

    def items(self, prefix: str) -> list[int]:
        """Return the indexes printed for a list path such as buyers or deal.plan."""
        pattern = re.compile(re.escape(prefix) + r"\[(\d+)\]")
        return sorted({int(m.group(1)) for p in self.by_path for m in [pattern.match(p)] if m})


def printed_values(name: str, parsed: Parsed) -> Printed:
    """Group a parse's values by path, keeping check boxes apart."""
    out = Printed(name)
    for v in parsed.values:
        (out.ticks if v.filter == "tick" else out.by_path)[v.path].append(v)
    return out


def typed(v: Value) -> Any:
    """Turn a printed value into a Decimal, a date or text; None when it cannot be read as its type."""
    try:
        return _TYPED[v.filter](v.text)
    except (InvalidOperation, ValueError, KeyError):
        return None


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _date(text: str) -> dt.date | None:
    m = _DATE.match(text)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if text == NO_DATE or text == to_hant(NO_DATE):  # OpenCC loaded only for a text that is not a date
        return None
    raise ValueError(text)


def _wanfen(text: str) -> int:
    digits = text.removeprefix("万分之").removeprefix("萬分之")
    if digits.startswith("十"):
        digits = "一" + digits
    tens, _, ones = digits.partition("十")
    if "十" in digits:
        return _CN.get(tens, 0) * 10 + (_CN[ones] if ones else 0)
    return _CN[digits]


def _text(text: str) -> str:
    return "" if text in (EMPTY, normalize(EMPTY)) else text


_TYPED: dict[str, Callable[[str], Any]] = {
    "yuan": _decimal,
    "area": _decimal,
    "pct": _decimal,
    "int": int,
    "cdate": _date,
    "capitals": parse_capitals,
    "wanfen": _wanfen,
    "text": _text,
    "name": _text,
    "idno": _text,
    "phone": _text,
    "unit": _text,
}


def expected_text(value: Any, filter_: str, script: str = "hans") -> str:
    """Print a value the way a template filter would, normalised for comparison."""
    return normalize(filters_for(script)[filter_](value))
