"""Many rows of one schema (the price list): the fast path gives exactly what cerberus gives, row by row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from toolkit.pack import schema as schema_mod
from toolkit.pack.manifest import load_pack
from toolkit.pack.schema import validate, validate_rows

ROOT = Path(__file__).resolve().parents[2]
UNIT = load_pack(ROOT / "templates" / "prc-presale").schema["unit"]


def _rows(project: str) -> list[dict]:
    with (ROOT / "examples" / project / "units.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _tricky(row: dict) -> list[dict]:
    """Rows a price list really gets wrong, and odd ones that are right, from one good row."""
    edits = [
        ("building_area", ""),
        ("building_area", " 98.76 "),
        ("building_area", "1,098.76"),
        ("building_area", "abc"),
        ("building_area", "NaN"),
        ("inner_area", "Infinity"),
        ("building_area", "0.5"),
        ("shared_area", "0"),
        ("shared_area", "-1"),
        ("floor", " 7 "),
        ("floor", "7.0"),
        ("floor", ""),
        ("code", ""),
        ("code", "1-0201\n"),
        ("code", "1_0201"),
        ("status", "已售"),
        ("status", ""),
        ("room", ""),
        ("layout", None),
        ("list_unit_price", "1e3"),
    ]
    out = [{**row, k: v} for k, v in edits]
    out.append({k: v for k, v in row.items() if k != "orientation"})  # a missing column
    out.append({**row, "colour": "red"})  # a column the schema does not know
    out.append({**row, None: ["extra", "cells"]})  # a row longer than the header (csv.DictReader)
    out += ["not a mapping", {}]
    return out


@pytest.mark.parametrize("project", ["cuihu", "cuihu-completed"])
def test_the_example_price_lists_validate_as_cerberus_validates_them(project):
    rows = _rows(project)
    assert list(validate_rows(rows, UNIT)) == [validate(r, UNIT) for r in rows]


def test_tricky_rows_get_the_same_normalised_values_and_the_same_problems():
    rows = _tricky(_rows("cuihu")[0])
    fast = list(validate_rows(rows, UNIT))
    assert fast == [validate(r, UNIT) for r in rows]
    assert sum(1 for _, problems in fast if problems) >= 12, "the bad rows must be found bad"


def test_clean_rows_do_not_reach_cerberus(monkeypatch):
    calls = []
    monkeypatch.setattr(schema_mod, "validate", lambda row, schema: calls.append(row) or ({}, []))
    rows = _rows("cuihu")
    results = list(validate_rows(rows + [{**rows[0], "floor": "x"}], UNIT))
    assert calls == [{**rows[0], "floor": "x"}]
    assert results[0][0]["building_area"] == schema_mod.Decimal("98.76") and results[0][0]["floor"] == 2


def test_a_schema_with_a_rule_the_fast_path_does_not_know_goes_to_cerberus_for_every_row(monkeypatch):
    schema = {**UNIT, "room": {"type": "string", "required": True, "minlength": 4}}
    rows = _rows("cuihu")[:5] + [{**_rows("cuihu")[0], "room": "12"}]
    expected = [validate(r, schema) for r in rows]
    assert expected[-1][1] and list(validate_rows(rows, schema)) == expected
