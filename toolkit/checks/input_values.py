"""Values no input file may carry: numbers that are not finite, text a reader cannot trust, endless nesting.

Each problem names the field (dotted path, list items by index), so a batch reports it and goes on.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

MAX_DEPTH = 20  # a deal nests a few levels deep (buyers[0].name); far more is not a deal
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def value_problems(value: Any, path: str = "", depth: int = 0):
    """Yield (field, problem) for every value that cannot be printed or computed faithfully."""
    if depth > MAX_DEPTH:
        yield path, f"嵌套超过{MAX_DEPTH}层，不是交易文件的结构"
        return
    if isinstance(value, dict):
        for key, item in value.items():
            field = f"{path}.{key}" if path else str(key)
            if text_problem(str(key)):
                yield field, "字段名中有" + text_problem(str(key))
            yield from value_problems(item, field, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from value_problems(item, f"{path}[{i}]", depth + 1)
    elif isinstance(value, str):
        why = text_problem(value)
        if why:
            yield path, why
    elif isinstance(value, (float, Decimal)) and not _finite(value):
        yield path, f"“{value}”不是有限的数字（NaN 或无穷大）"


def _finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI)) + "]")


def text_problem(text: str) -> str:
    """Say why a text cannot be printed as given (surrogate, control or bidi override character), or ''."""
    found = _BAD_CHAR.search(text)
    if found is None:
        return ""
    i, code = found.start(), ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"第{i + 1}个字符是孤立的代理字符（U+{code:04X}），不是有效的文字"
    if found.group() in BIDI:
        return f"第{i + 1}个字符是双向控制字符（U+{code:04X}），会打乱阅读者看到的文字顺序"
    return f"第{i + 1}个字符是控制字符（U+{code:04X}），无法打印"
