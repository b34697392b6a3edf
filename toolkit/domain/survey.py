"""The competitor survey (竞品踩盘): an XLSX the office fills after each visit, read and validated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.errors import InputFileError

COLUMNS = ("楼盘", "距离公里", "户型", "标价单价", "实际单价", "优惠", "月销套数", "踩盘日期")
NUMBERS = ("距离公里", "标价单价", "实际单价", "月销套数")


def read_survey(path: Path) -> list[dict[str, Any]]:
    """Read the survey sheet; an error names the file, the row and the column."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise InputFileError(path=path, expected="XLSX工作簿", found=type(exc).__name__) from None
    try:
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()
    header = tuple(str(c or "").strip() for c in (rows[0] if rows else ()))
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputFileError(path=path, field="header", expected="、".join(COLUMNS), found="缺少" + "、".join(missing))
    return [_row(path, n, dict(zip(header, r))) for n, r in enumerate(rows[1:], start=2) if any(r)]


def _row(path, n: int, raw: dict[str, Any]) -> dict[str, Any]:
    out = {k: raw.get(k) for k in COLUMNS}
    for k in NUMBERS:
        try:
            out[k] = Decimal(str(raw.get(k)).replace(",", ""))
        except InvalidOperation:
            raise InputFileError(path=path, field=f"第{n}行 {k}", expected="数字", found=str(raw.get(k))) from None
    when = raw.get("踩盘日期")
    if not isinstance(when, (dt.date, dt.datetime)):
        raise InputFileError(path=path, field=f"第{n}行 踩盘日期", expected="日期", found=str(when))
    out["踩盘日期"] = when.date() if isinstance(when, dt.datetime) else when
    if not out["楼盘"] or not out["户型"]:
        raise InputFileError(path=path, field=f"第{n}行 楼盘/户型", expected="文字", found="")
    return out


def beside_ours(project, survey: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set each competitor row beside our average list price per m² of the same layout."""
    ours: dict[str, list[Decimal]] = {}
    for u in project.units.values():
        ours.setdefault(u.layout, []).append(u.list_unit_price)
    return [
        {
            **s,
            "our_list": (sum(ours[s["户型"]], Decimal(0)) / len(ours[s["户型"]])).quantize(Decimal("1"))
            if s["户型"] in ours
            else None,
        }
        for s in survey
    ]
