"""Validate render input against a pack's cerberus schema, one problem per field.

A compiled fast path (`fastschema.py`) passes the plainly valid documents; cerberus decides every other one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from toolkit.pack.coerce import to_date, to_decimal, to_int, to_text
from toolkit.pack.fastschema import compile_mapping


@lru_cache(maxsize=1)
def _validator_class() -> type:
    """Build the cerberus validator class on first need: importing cerberus costs ~0.1 s a command may not need."""
    import cerberus

    class InputValidator(cerberus.Validator):
        """A cerberus validator that knows decimals and the coercions our schemas name."""

        types_mapping = cerberus.Validator.types_mapping.copy()
        types_mapping["decimal"] = cerberus.TypeDefinition("decimal", (Decimal,), ())

        def _normalize_coerce_date(self, value: Any) -> Any:
            return to_date(value)

        def _normalize_coerce_decimal(self, value: Any) -> Any:
            return to_decimal(value)

        def _normalize_coerce_int(self, value: Any) -> Any:
            return to_int(value)

        def _normalize_coerce_text(self, value: Any) -> Any:
            return to_text(value)

    return InputValidator


@dataclass(frozen=True)
class Problem:
    """One field that does not match the schema."""

    field: str
    message: str


def validate(data: Any, schema: dict[str, Any], *, allow_unknown: bool = False) -> tuple[dict, list[Problem]]:
    """Normalise `data` against `schema`; return the normalised document and the problems."""
    if not isinstance(data, dict):
        return {}, [Problem("", f"应为字段与值的映射，实际为{type(data).__name__}")]
    fast = _compiled(schema, allow_unknown)
    if fast is not None:
        try:
            return fast(data), []
        except Exception:  # noqa: BLE001 - any doubt goes to cerberus, which names the problem
            pass
    return cerberus_validate(data, schema, allow_unknown=allow_unknown)


def cerberus_validate(data: dict, schema: dict[str, Any], *, allow_unknown: bool = False) -> tuple[dict, list[Problem]]:
    """Validate with cerberus alone (what the fast path is held to)."""
    validator = _validator_class()(schema, allow_unknown=allow_unknown)
    if validator.validate(data):
        return validator.document, []
    return {}, list(_flatten(validator.errors, ""))


def validate_rows(rows: list[Any], schema: dict[str, Any]) -> Iterator[tuple[dict, list[Problem]]]:
    """Validate many rows against one schema, yielding what `validate` would for each, in order."""
    return (validate(row, schema) for row in rows)


_COMPILED: dict[tuple[int, bool], tuple[dict, Any]] = {}


def _compiled(schema: dict[str, Any], allow_unknown: bool) -> Any:
    """Return the fast check of a schema (compiled once per schema object), or None."""
    key = (id(schema), allow_unknown)
    if key not in _COMPILED or _COMPILED[key][0] is not schema:
        _COMPILED[key] = (schema, compile_mapping(schema, allow_unknown))
    return _COMPILED[key][1]


def _flatten(errors: Any, prefix: str):
    """Turn cerberus's nested error tree into dotted field paths."""
    for key, items in errors.items():
        path = f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
        for item in items:
            if isinstance(item, dict):
                yield from _flatten(item, path)
            else:
                yield Problem(path, _explain(item))


_PLAIN = {
    "required field": "缺少必填字段",
    "unknown field": "未知字段（是否拼写错误？）",
    "null value not allowed": "不能为空",
    "empty values not allowed": "不能为空",
    "must be of string type": "应为文字",
    "must be of integer type": "应为整数",
    "must be of decimal type": "应为数字",
    "must be of number type": "应为数字",
    "must be of float type": "应为数字",
    "must be of date type": "应为日期（如 2026-11-01）",
    "must be of list type": "应为列表",
    "must be of dict type": "应为字段与值的映射",
    "must be of boolean type": "应为 true 或 false",
}
_PATTERNS = [
    (re.compile(r"^min value is (.+)$"), "不能小于{0}"),
    (re.compile(r"^max value is (.+)$"), "不能大于{0}"),
    (re.compile(r"^min length is (.+)$"), "长度不能少于{0}"),
    (re.compile(r"^max length is (.+)$"), "长度不能超过{0}"),
    (re.compile(r"^unallowed values? (.+)$"), "取值{0}不在允许的范围内"),
    (re.compile(r"^value does not match regex '(.+)'$"), "格式不符（应符合 {0}）"),
    (re.compile(r"^must be of (.+) type$"), "类型应为{0}"),
    (re.compile(r"^field '(.+)' is required$"), "需要同时填写字段“{0}”"),
    (re.compile(r"^field '(.+)' cannot be coerced.*$"), "无法读取为所需的类型（如数字或日期）"),
]


def _explain(message: str) -> str:
    """Say what cerberus means in words a sales admin reads (the field names stay as they are)."""
    if message in _PLAIN:
        return _PLAIN[message]
    for pattern, text in _PATTERNS:
        m = pattern.match(message)
        if m:
            return text.format(m[1])
    return message
