"""The typed filters a template may use: each prints one kind of value the checker can read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from toolkit.domain.money import format_area, format_yuan, to_capitals, to_capitals_traditional
from toolkit.script import to_hant

CN_DIGITS = "零一二三四五六七八九"
NO_DATE = "按贷款机构放款"
EMPTY = "—"
# ■/□ rather than ☑/☐: CJK fonts carry them, so they print inline and read back in place from a PDF.
TICKED, UNTICKED = "■", "□"


def yuan(value: Any) -> str:
    """Print an amount in figures: 1,234,567.89."""
    return format_yuan(Decimal(str(value)))


def capitals(value: Any) -> str:
    """Print an amount in capitals with the 人民币 prefix."""
    return _capitals(Decimal(str(value)))


@lru_cache(maxsize=4096)
def _capitals(value: Decimal) -> str:
    # Writing capitals re-reads them to verify; a deal prints the same few amounts many times.
    return to_capitals(value)


def area(value: Any) -> str:
    """Print an area in m² with two decimals."""
    return format_area(Decimal(str(value)))


def pct(value: Any) -> str:
    """Print a percentage number without trailing zeros: 30, 1.5."""
    d = Decimal(str(value)).normalize()
    return f"{d:f}"


def cdate(value: dt.date | None) -> str:
    """Print a date the Chinese way: 2026年11月20日."""
    if value is None:
        return NO_DATE
    return f"{value.year}年{value.month}月{value.day}日"


def wanfen(bp: int) -> str:
    """Print a daily rate in basis points as 万分之五."""
    return "万分之" + small_number(int(bp))


def small_number(n: int) -> str:
    """Write 0–99 in Chinese numerals (五, 十二, 三十)."""
    if not 0 <= n < 100:
        raise ValueError(f"{n} is out of range for a rate in 万分之")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def text(value: Any) -> str:
    """Print free text as it is (the environment escapes it for XML); a dash where there is none."""
    return EMPTY if value is None or str(value).strip() == "" else str(value)


def integer(value: Any) -> str:
    """Print a whole number."""
    return str(int(value))


def tick(value: bool) -> str:
    """Print a ticked or empty check box."""
    return TICKED if value else UNTICKED


def filters_for(script: str) -> dict[str, Callable[..., str]]:
    """Return the filters for a script: in traditional script, text and capitals are written traditionally."""
    if script != "hant":
        return FILTERS
    out = {name: _hant(fn) for name, fn in FILTERS.items()}
    out["capitals"] = lambda value: to_capitals_traditional(Decimal(str(value)))
    return out


def _hant(fn: Callable[..., str]) -> Callable[..., str]:
    return lambda *args: to_hant(fn(*args))


FILTERS: dict[str, Callable[..., str]] = {
    "yuan": yuan,
    "capitals": capitals,
    "area": area,
    "pct": pct,
    "cdate": cdate,
    "wanfen": wanfen,
    "text": text,
    "int": integer,
    "tick": tick,
    # Typed text: printed as it is, read back with a pattern of its own (pack/clauses.py).
    "name": text,
    "idno": text,
    "phone": text,
    "unit": text,
}
