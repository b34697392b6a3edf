"""Read a project folder and deal files, validated against the pack's schema.

A broken project is an error (nothing can be rendered for it); a broken deal is an `input.invalid`
finding naming the file and the field, so a batch goes on with the other deals.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from toolkit import yamlio
from toolkit.checks.encumbrance import mortgage_problems
from toolkit.checks.fees import fee_problems
from toolkit.checks.input_values import value_problems
from toolkit.domain.deal import Deal, deal_from_data
from toolkit.domain.project import Project, project_from_data
from toolkit.errors import ProjectError
from toolkit.findings import Finding
from toolkit.pack.manifest import Pack
from toolkit.pack.schema import validate, validate_rows
from toolkit.rules import finding
from toolkit.tables import xlsx_rows

INPUT_INVALID = "input.invalid"


def load_project(project_dir: Path, pack: Pack) -> Project:
    """Load project.yaml and units.csv; raise ProjectError naming the file, row and field."""
    project_dir = Path(project_dir)
    path = project_dir / "project.yaml"
    raw = yamlio.read_file(path, ProjectError)
    data, problems = validate(raw, pack.schema["project"], allow_unknown=True)
    if problems:
        p = problems[0]
        raise ProjectError(
            path=path,
            field=p.field,
            expected=p.message,
            found=f"共{len(problems)}处问题" if len(problems) > 1 else "",
        )
    bad = next(mortgage_problems(data), None) or next(fee_problems(data), None)  # parts the schema does not know
    if bad:
        raise ProjectError(path=path, field=bad[0], expected=bad[1])
    return project_from_data(data, _units(price_list(project_dir), pack))


def price_list(project_dir: Path) -> Path:
    """Return the project's price list: units.csv, or units.xlsx with the same columns."""
    csv_path, xlsx_path = project_dir / "units.csv", project_dir / "units.xlsx"
    return csv_path if csv_path.is_file() or not xlsx_path.is_file() else xlsx_path


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".xlsx":
        return _xlsx_rows(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        raise ProjectError(path=path, expected="价目表（units.csv 或 units.xlsx）") from None
    except UnicodeDecodeError:
        raise ProjectError(path=path, expected="UTF-8 编码的文字") from None


def _xlsx_rows(path: Path) -> list[dict[str, Any]]:
    return [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in xlsx_rows(path, ProjectError)]


def _units(path: Path, pack: Pack) -> list[dict[str, Any]]:
    rows = _read_rows(path)
    out, seen = [], set()
    for line, (row, (data, problems)) in enumerate(zip(rows, validate_rows(rows, pack.schema["unit"])), start=2):
        if problems:
            raise ProjectError(
                path=path,
                field=f"第{line}行 {problems[0].field}",
                expected=problems[0].message,
                found=repr(row.get(problems[0].field, ""))[:60],
            )
        bad = next(value_problems(data), None)  # "NaN" or "inf" taken as a decimal, a control character
        if bad:
            raise ProjectError(path=path, field=f"第{line}行 {bad[0]}", expected="有限的数字或普通文字",
                               found=bad[1])  # fmt: skip
        if data["code"] in seen:
            raise ProjectError(path=path, field=f"第{line}行 code", expected="不重复的房号", found=data["code"])
        seen.add(data["code"])
        out.append(data)
    return out


def read_deal(path: Path, pack: Pack) -> tuple[Deal | None, list[Finding]]:
    """Read one deal file; a malformed file gives input.invalid findings, never an exception."""
    path = Path(path)
    if path.is_dir():
        return None, [_invalid(path, "", "是文件夹，不是交易文件（请给出 .yaml 文件）")]
    try:
        raw = yamlio.load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [_invalid(path, "", f"无法读取文件（{exc.__class__.__name__}）")]
    except yamlio.YAMLError as exc:
        return None, [_invalid(path, getattr(exc, "key", ""), f"YAML格式错误：{yamlio.problem(exc)}")]
    except RecursionError:
        return None, [_invalid(path, "", "嵌套层数过多，不是交易文件的结构")]
    bad = list(value_problems(raw))
    if bad:
        return None, [_invalid(path, field, why) for field, why in bad]
    data, problems = validate(raw, pack.schema["deal"])
    named = [(p.field, p.message) for p in problems] or list(value_problems(data))  # e.g. "NaN" as a decimal
    if named:
        return None, [_invalid(path, field, why) for field, why in named]
    return deal_from_data(data), []


def _invalid(path: Path, field: str, message: str) -> Finding:
    where = f"{path.name}：字段“{field}”" if field else path.name
    return finding(INPUT_INVALID, f"{where}：{message}", document=str(path), location=field)
