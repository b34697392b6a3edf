"""Sales targets (销售目标): per month or ISO week, for the project, each building, product and consultant.

In project.yaml:

    targets:
      2026-11:                       # a month, or a week such as 2026-W47
        项目: {认购套数: 4, 签约金额: 21000000, 回款: 3000000}
        李娜: {签约金额: 8000000}     # a consultant, by name (or under 顾问:)
        楼栋: {"1": {签约金额: 9000000}}
        产品: {3室2厅2卫: {认购套数: 2}}   # a product is a layout (户型) of the price list

or in `targets.xlsx` beside it (`targets_xlsx.py`), one row per period and scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.errors import InputFileError

MEASURES = ("认购套数", "认购金额", "签约套数", "签约金额", "回款")
KINDS = ("项目", "楼栋", "产品", "顾问")
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|W(0[1-9]|[1-4]\d|5[0-3]))$")
Scope = tuple[str, str]  # (kind, name): ("项目", "项目"), ("楼栋", "1"), ("产品", "3室2厅2卫"), ("顾问", "李娜")


@dataclass(frozen=True)
class Targets:
    """Targets: period (2026-11 or 2026-W47) -> (kind, name) -> measure -> figure."""

    periods: dict[str, dict[Scope, dict[str, Decimal]]] = field(default_factory=dict)

    def get(self, periods: list[str], kind: str = "项目", name: str | None = None) -> dict[str, Decimal] | None:
        """Sum a scope's targets over periods, measure by measure; None when no period sets one."""
        key = (kind, kind if name is None else name)
        found = [self.periods[p][key] for p in periods if key in self.periods.get(p, {})]
        if not found:
            return None
        # a measure no period sets has no target (not a target of zero)
        return {k: sum((t[k] for t in found if k in t), Decimal(0)) for k in MEASURES if any(k in t for t in found)}

    def merged(self, other: Targets, where: str) -> Targets:
        """Add another source's targets; a period and scope set in both is an error naming `where`."""
        out = {p: dict(s) for p, s in self.periods.items()}
        for p, scopes in other.periods.items():
            for key, figures in scopes.items():
                if key in out.get(p, {}):
                    raise InputFileError(path=where, field=f"{p} {key[0]} {key[1]}", expected="只设一次")
                out.setdefault(p, {})[key] = figures
        return Targets(out)


def targets_from_data(data: dict[str, Any], path: Path | str) -> Targets:
    """Validate the `targets:` mapping of project.yaml; an error names the file and the field."""
    raw = data.get("targets") or {}
    if not isinstance(raw, dict):
        raise InputFileError(path=path, field="targets", expected="按月份（如 2026-11）或周（如 2026-W47）列出的目标")
    return Targets({period_key(str(m), path, f"targets.{m}"): _scopes(m, v, path) for m, v in raw.items()})


def period_key(text: str, path, where: str) -> str:
    """Check a period key: a month (2026-11) or an ISO week (2026-W47)."""
    if not PERIOD.match(text):
        raise InputFileError(path=path, field=where, expected="月份（如 2026-11）或周（如 2026-W47）", found=text)
    return text


def _scopes(period, value, path) -> dict[Scope, dict[str, Decimal]]:
    if not isinstance(value, dict):
        raise InputFileError(path=path, field=f"targets.{period}", expected="“项目”“楼栋”“产品”“顾问”或置业顾问的姓名")
    out: dict[Scope, dict[str, Decimal]] = {}
    for name, v in value.items():
        where = f"targets.{period}.{name}"
        if str(name) in ("楼栋", "产品", "顾问"):
            if not isinstance(v, dict):
                raise InputFileError(path=path, field=where, expected=f"按{name}列出的目标")
            out |= {(str(name), str(n)): measures(f"{where}.{n}", m, path) for n, m in v.items()}
        else:
            out[("项目", "项目") if name == "项目" else ("顾问", str(name))] = measures(where, v, path)
    return out


def measures(where: str, value, path) -> dict[str, Decimal]:
    """Validate one scope's figures: known measures, numbers, none negative."""
    if not isinstance(value, dict):
        raise InputFileError(path=path, field=where, expected="、".join(MEASURES))
    out = {}
    for key, figure in value.items():
        if key not in MEASURES:
            raise InputFileError(path=path, field=f"{where}.{key}", expected="、".join(MEASURES), found=str(key))
        out[key] = figure_of(figure, path, f"{where}.{key}")
    return out


def figure_of(figure: Any, path, where: str) -> Decimal:
    """Read a target figure: a number, zero or more."""
    try:
        out = Decimal(str(figure).replace(",", ""))
    except InvalidOperation:
        raise InputFileError(path=path, field=where, expected="数字", found=str(figure)) from None
    if not out.is_finite() or out < 0:
        raise InputFileError(path=path, field=where, expected="不小于零的数", found=str(figure))
    return out
