"""Sales targets (销售目标): `targets:` in project.yaml, per month, for the project and each consultant."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.errors import InputFileError

MEASURES = ("认购套数", "认购金额", "签约套数", "签约金额", "回款")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Targets:
    """Targets per month: month -> scope ('项目' or a consultant's name) -> measure -> figure."""

    months: dict[str, dict[str, dict[str, Decimal]]] = field(default_factory=dict)

    def for_months(self, months: list[str], scope: str = "项目") -> dict[str, Decimal] | None:
        """Sum a scope's targets over months; None when no month has one."""
        found = [self.months[m][scope] for m in months if scope in self.months.get(m, {})]
        if not found:
            return None
        return {k: sum((t.get(k, Decimal(0)) for t in found), Decimal(0)) for k in MEASURES}


def targets_from_data(data: dict[str, Any], path: Path | str) -> Targets:
    """Validate the `targets:` mapping of project.yaml; an error names the file and the field."""
    raw = data.get("targets") or {}
    if not isinstance(raw, dict):
        raise InputFileError(path=path, field="targets", expected="按月份（如 2026-11）列出的目标")
    return Targets({_month(str(m), path): _scopes(m, v, path) for m, v in raw.items()})


def _month(text: str, path) -> str:
    if not MONTH.match(text):
        raise InputFileError(path=path, field=f"targets.{text}", expected="月份，如 2026-11", found=text)
    return text


def _scopes(month, value, path) -> dict[str, dict[str, Decimal]]:
    if not isinstance(value, dict):
        raise InputFileError(path=path, field=f"targets.{month}", expected="“项目”或置业顾问的姓名")
    return {str(s): _measures(f"targets.{month}.{s}", m, path) for s, m in value.items()}


def _measures(where: str, value, path) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise InputFileError(path=path, field=where, expected="、".join(MEASURES))
    out = {}
    for key, figure in value.items():
        if key not in MEASURES:
            raise InputFileError(path=path, field=f"{where}.{key}", expected="、".join(MEASURES), found=str(key))
        try:
            out[key] = Decimal(str(figure))
        except InvalidOperation:
            raise InputFileError(path=path, field=f"{where}.{key}", expected="数字", found=str(figure)) from None
        if out[key] < 0:
            raise InputFileError(path=path, field=f"{where}.{key}", expected="不小于零的数", found=str(figure))
    return out
