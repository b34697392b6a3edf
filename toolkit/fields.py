"""Reading the fields of an input file one at a time, each bad one named with its file and field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.errors import ProjectError


class FieldReader:
    """Reads one field of a YAML mapping at a time; a bad one is a ProjectError naming the file and the field."""

    def __init__(self, path: Path, raw: dict[str, Any]):
        self.path, self.raw = path, raw

    def fail(self, fieldname: str, expected: str, found: Any = None) -> ProjectError:
        return ProjectError(
            path=self.path, field=fieldname, expected=expected, found=repr(found)[:60] if found is not None else ""
        )

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "文字（非空）", value)
        return value.strip()

    def date(self, key: str) -> dt.date:
        value = self.raw.get(key)
        if isinstance(value, dt.datetime):
            raise self.fail(key, "日期，格式 YYYY-MM-DD", value)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(key, "日期，格式 YYYY-MM-DD", value) from None

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.raw.get(key, default)
        if value not in allowed:
            raise self.fail(key, "之一: " + " | ".join(allowed), value)
        return str(value)

    def mapping(self, key: str, required: bool = True) -> dict[str, Any]:
        value = self.raw.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "一个映射（键: 值）", value)
        return value

    def items(self, key: str, required: bool = True) -> list[dict[str, Any]]:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "一个非空列表，每项为映射", value)
        return value

    def number(self, fieldname: str, value: Any) -> Decimal:
        if isinstance(value, bool) or value is None:
            raise self.fail(fieldname, "一个数字", value)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(fieldname, "一个数字", value) from None
        if not number.is_finite():
            raise self.fail(fieldname, "一个有限的数字", value)
        return number

    def optional_number(self, key: str) -> Decimal | None:
        return None if self.raw.get(key) is None else self.number(key, self.raw[key])

    def reason(self, fieldname: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(fieldname, "一段说明（文字）", value)
        return value.strip()

    def optional_date(self, key: str) -> dt.date | None:
        return None if self.raw.get(key) is None else self.date(key)

    def strings(self, key: str, required: bool = True) -> list[str]:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not value or not all(isinstance(v, (str, int)) for v in value):
            raise self.fail(key, "一个非空列表（文字）", value)
        return [str(v) for v in value]
