"""Sheets people keep in Excel (price lists, receipts): rows of an XLSX as mappings by its header row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.errors import InputFileError


def xlsx_rows(path: Path, error: type[InputFileError] = InputFileError) -> list[dict[str, Any]]:
    """Read the first sheet: the header row names the columns; empty rows are skipped."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise error(path=path, expected="XLSX 工作簿", found=exc.__class__.__name__) from None
    try:
        rows = list(book.active.iter_rows(values_only=True))
    finally:
        book.close()
    header = [str(c or "").strip() for c in rows[0]] if rows else []
    return [dict(zip(header, row)) for row in rows[1:] if any(v is not None for v in row)]
