"""Validate render input against a pack's cerberus schema, one problem per field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import cerberus


def _to_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    return value


def _to_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(value, (int, float, str)):
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"'{value}' is not a number") from exc
        if not number.is_finite():  # NaN would make every comparison raise; Infinity is no amount either
            raise ValueError(f"'{value}' is not a number")
        return number
    return value


def _to_int(value: Any) -> Any:
    return int(value.strip()) if isinstance(value, str) else value


def _to_text(value: Any) -> Any:
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class InputValidator(cerberus.Validator):
    """A cerberus validator that knows decimals and the coercions our schemas name."""

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["decimal"] = cerberus.TypeDefinition("decimal", (Decimal,), ())

    def _normalize_coerce_date(self, value: Any) -> Any:
        return _to_date(value)

    def _normalize_coerce_decimal(self, value: Any) -> Any:
        return _to_decimal(value)

    def _normalize_coerce_int(self, value: Any) -> Any:
        return _to_int(value)

    def _normalize_coerce_text(self, value: Any) -> Any:
        return _to_text(value)


@dataclass(frozen=True)
class Problem:
    """One field that does not match the schema."""

    field: str
    message: str


def validate(data: Any, schema: dict[str, Any], *, allow_unknown: bool = False) -> tuple[dict, list[Problem]]:
    """Normalise `data` against `schema`; return the normalised document and the problems."""
    if not isinstance(data, dict):
        return {}, [Problem("", f"expected a mapping of fields, found {type(data).__name__}")]
    validator = InputValidator(schema, allow_unknown=allow_unknown)
    if validator.validate(data):
        return validator.document, []
    return {}, list(_flatten(validator.errors, ""))


def _flatten(errors: Any, prefix: str):
    """Turn cerberus's nested error tree into dotted field paths."""
    for key, items in errors.items():
        path = f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
        for item in items:
            if isinstance(item, dict):
                yield from _flatten(item, path)
            else:
                yield Problem(path, _explain(item))


def _explain(message: str) -> str:
    """Say what cerberus means in words a sales admin reads."""
    return {
        "required field": "this field is required",
        "unknown field": "unknown field (a typo?)",
        "null value not allowed": "a value is required",
        "empty values not allowed": "a value is required",
    }.get(message, message)


# Many rows of one schema (a price list of hundreds of units): a cerberus validator per row costs ~2 ms, most of
# it spent checking the schema itself. A compiled check per field passes the rows that are plainly valid, with
# the same coercions; any row it does not pass goes to cerberus, so a bad row gets the same problems as before.
_FAST_RULES = {"type", "required", "coerce", "regex", "empty", "min", "max", "allowed"}
_FAST_TYPES = {"string": (str,), "integer": (int,), "decimal": (Decimal,), "date": (dt.date,)}
_COERCERS = {"date": _to_date, "decimal": _to_decimal, "int": _to_int, "text": _to_text}


def validate_rows(rows: list[Any], schema: dict[str, Any]) -> Iterator[tuple[dict, list[Problem]]]:
    """Validate many rows against one schema, yielding what `validate` would for each, in order."""
    fields = _compile(schema)
    for row in rows:
        data = _fast(row, fields) if fields is not None else None
        yield (data, []) if data is not None else validate(row, schema)


def _compile(schema: dict[str, Any]) -> dict[str, tuple[bool, Callable[[Any], Any]]] | None:
    """Return field -> (required, check), or None when the schema uses a rule the fast path does not know."""
    out = {}
    for name, rules in schema.items():
        if not isinstance(rules, dict) or set(rules) - _FAST_RULES or rules.get("type") not in _FAST_TYPES:
            return None
        if "coerce" in rules and rules["coerce"] not in _COERCERS:
            return None
        out[name] = (bool(rules.get("required")), _field_check(rules))
    return out


def _field_check(rules: dict[str, Any]) -> Callable[[Any], Any]:
    coerce = _COERCERS.get(rules.get("coerce", ""), lambda v: v)
    types = _FAST_TYPES[rules["type"]]
    pattern = rules.get("regex")
    regex = re.compile(pattern if pattern.endswith("$") else pattern + "$") if pattern else None
    allowed = rules.get("allowed")
    low, high = rules.get("min"), rules.get("max")

    def check(value: Any) -> Any:
        value = coerce(value)
        if not isinstance(value, types) or isinstance(value, bool) or (isinstance(value, str) and not value):
            raise _NotPlain
        if (regex and not regex.match(value)) or (allowed is not None and value not in allowed):
            raise _NotPlain
        if (low is not None and value < low) or (high is not None and value > high):
            raise _NotPlain
        return value

    return check


class _NotPlain(Exception):
    """A value the fast path leaves to cerberus."""


def _fast(row: Any, fields: dict[str, tuple[bool, Callable[[Any], Any]]]) -> dict | None:
    """Return the normalised row when every field plainly passes, else None (cerberus decides)."""
    if not isinstance(row, dict) or any(k not in fields for k in row):
        return None
    out = {}
    for name, (required, check) in fields.items():
        if name not in row:
            if required:
                return None
            continue
        if row[name] is None:
            return None
        try:
            out[name] = check(row[name])
        except Exception:  # noqa: BLE001 - any doubt goes to cerberus, which names the problem
            return None
    return out
