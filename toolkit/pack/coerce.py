"""The coercions a pack's schema names (`coerce: date | decimal | int | text`), shared by both validators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any


def to_date(value: Any) -> Any:
    """Turn a datetime or an ISO text into a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    return value


def to_decimal(value: Any) -> Any:
    """Turn a number or a text with thousands separators into a finite Decimal."""
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


def to_int(value: Any) -> Any:
    """Turn a text into an integer."""
    return int(value.strip()) if isinstance(value, str) else value


def to_text(value: Any) -> Any:
    """Turn a number YAML read as such (a room number 0201 written bare) back into text."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


COERCERS = {"date": to_date, "decimal": to_decimal, "int": to_int, "text": to_text}
