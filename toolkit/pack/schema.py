"""Validate render input against a pack's cerberus schema, one problem per field."""

from __future__ import annotations

import datetime as dt
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
        if not number.is_finite():  # NaN or infinity would break every comparison after it
            raise ValueError(f"'{value}' is not a finite number")
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
