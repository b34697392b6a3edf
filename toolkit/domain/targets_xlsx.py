"""Targets from the workbook the sales manager fills (`targets.xlsx`), checked cell by cell.

Sheet 目标, header in row 1: 期间 (2026-11 or 2026-W47), 范围 (项目, 楼栋, 产品 or 顾问), 名称 (the building,
layout or consultant; empty for 项目), then any of 认购套数, 认购金额, 签约套数, 签约金额, 回款. An empty figure
sets no target. A bad cell is an error naming the file, the sheet, the cell and what was expected.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.domain.targets import KINDS, MEASURES, PERIOD, Scope, Targets, figure_of
from toolkit.errors import InputFileError

SHEET = "目标"
KEYS = ("期间", "范围", "名称")


def read_targets(path: Path) -> Targets:
    """Read the 目标 sheet into targets."""
    rows = _rows(path)
    header = [str(c).strip() if c is not None else "" for c in (rows[0] if rows else ())]
    columns = _columns(path, header)
    out: dict[str, dict[Scope, dict[str, Decimal]]] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in row):
            continue
        period, key = _period(path, n, row[0]), _scope(path, n, row[1], row[2])
        if key in out.get(period, {}):
            raise InputFileError(
                path=path, field=_cell(n, 0), expected=f"{period} {key[0]} {key[1]}只填一行", found="重复"
            )
        out.setdefault(period, {})[key] = {
            m: figure_of(row[i], path, _cell(n, i) + f"（{m}）")
            for m, i in columns.items()
            if i < len(row) and row[i] not in (None, "")
        }
    return Targets(out)


def _rows(path: Path) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise InputFileError(path=path, expected="XLSX 工作簿", found=type(exc).__name__) from None
    try:
        if SHEET not in wb.sheetnames:
            raise InputFileError(
                path=path, field=f"工作表“{SHEET}”", expected="名为“目标”的工作表", found="、".join(wb.sheetnames)
            )
        return [tuple(r) for r in wb[SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    if header[:3] != list(KEYS):
        raise InputFileError(
            path=path, field=_cell(1, 0), expected="表头：期间、范围、名称，然后是各项指标", found="、".join(header[:3])
        )
    for i, name in enumerate(header[3:], start=3):
        if name and name not in MEASURES:
            raise InputFileError(path=path, field=_cell(1, i), expected="、".join(MEASURES), found=name)
    return {name: i for i, name in enumerate(header) if name in MEASURES}


def _period(path: Path, n: int, value: Any) -> str:
    text = value.strftime("%Y-%m") if isinstance(value, (dt.date, dt.datetime)) else str(value or "").strip()
    if not PERIOD.match(text):
        raise InputFileError(
            path=path, field=_cell(n, 0), expected="月份如 2026-11 或周如 2026-W47", found=text or "空"
        )
    return text


def _scope(path: Path, n: int, kind: Any, name: Any) -> Scope:
    kind = str(kind or "").strip()
    if kind not in KINDS:
        raise InputFileError(path=path, field=_cell(n, 1), expected="、".join(KINDS), found=kind or "空")
    name = "项目" if kind == "项目" else _name(name)
    if not name:
        raise InputFileError(path=path, field=_cell(n, 2), expected=f"{kind}名称", found="空")
    return kind, name


def _name(value: Any) -> str:
    # a building typed as a number comes back as 1 or 1.0: it names building "1"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def _cell(row: int, col: int) -> str:
    return f"工作表“{SHEET}” 单元格{chr(ord('A') + col)}{row}"
