"""The fast path of schema validation gives exactly what cerberus gives: price-list rows, projects and deals."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest

from toolkit import yamlio
from toolkit.pack import schema as schema_mod
from toolkit.pack.manifest import load_pack
from toolkit.pack.schema import cerberus_validate, validate, validate_rows

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = {p: load_pack(ROOT / "templates" / p).schema for p in ("prc-presale", "prc-completed")}
UNIT = SCHEMAS["prc-presale"]["unit"]


def _cerberus(row, schema, allow_unknown=False):
    """What validate gave before the fast path: cerberus for every mapping."""
    return (
        cerberus_validate(row, schema, allow_unknown=allow_unknown) if isinstance(row, dict) else validate(row, schema)
    )


def _same(a, b) -> bool:
    """Equal, and with keys in the same order at every level (templates iterate them)."""
    return a == b and json.dumps(a, default=repr, ensure_ascii=False) == json.dumps(b, default=repr, ensure_ascii=False)


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
    assert _same(list(validate_rows(rows, UNIT)), [_cerberus(r, UNIT) for r in rows])


def test_tricky_rows_get_the_same_normalised_values_and_the_same_problems():
    rows = _tricky(_rows("cuihu")[0])
    fast = list(validate_rows(rows, UNIT))
    assert _same(fast, [_cerberus(r, UNIT) for r in rows])
    assert sum(1 for _, problems in fast if problems) >= 12, "the bad rows must be found bad"


def test_clean_rows_do_not_reach_cerberus(monkeypatch):
    calls = []
    monkeypatch.setattr(schema_mod, "cerberus_validate", lambda row, schema, **kw: calls.append(row) or ({}, []))
    rows = _rows("cuihu")
    results = list(validate_rows(rows + [{**rows[0], "floor": "x"}], UNIT))
    assert calls == [{**rows[0], "floor": "x"}]
    assert results[0][0]["building_area"] == schema_mod.Decimal("98.76") and results[0][0]["floor"] == 2


def test_a_schema_with_a_rule_the_fast_path_does_not_know_goes_to_cerberus_for_every_row(monkeypatch):
    schema = {**UNIT, "room": {"type": "string", "required": True, "minlength": 4}}
    rows = _rows("cuihu")[:5] + [{**_rows("cuihu")[0], "room": "12"}]
    expected = [_cerberus(r, schema) for r in rows]
    assert expected[-1][1] and list(validate_rows(rows, schema)) == expected


PROJECTS = {"cuihu": "prc-presale", "cuihu-completed": "prc-completed"}


def _yaml(path: Path):
    return yamlio.load_yaml(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("project", PROJECTS)
def test_the_example_projects_and_their_deals_validate_as_cerberus_validates_them_without_cerberus(
    project, monkeypatch
):
    schema = SCHEMAS[PROJECTS[project]]
    raw = _yaml(ROOT / "examples" / project / "project.yaml")
    deals = [_yaml(p) for p in sorted((ROOT / "examples" / project / "deals").glob("*.yaml"))]
    expected = _cerberus(copy.deepcopy(raw), schema["project"], True), [_cerberus(d, schema["deal"]) for d in deals]
    assert not expected[0][1] and all(not problems for _, problems in expected[1])
    monkeypatch.setattr(schema_mod, "cerberus_validate", lambda *a, **k: pytest.fail("cerberus was needed"))
    assert _same(validate(raw, schema["project"], allow_unknown=True), expected[0])
    assert _same([validate(d, schema["deal"]) for d in deals], expected[1])


def test_the_invalid_example_deals_get_cerberus_own_problems():
    schema = SCHEMAS["prc-presale"]["deal"]
    for path in sorted((ROOT / "examples" / "cuihu" / "deals-invalid").glob("*.yaml")):
        raw = _yaml(path)
        assert _same(validate(raw, schema), _cerberus(raw, schema)), path.name


def _variants(deal: dict) -> list[dict]:
    """One deal broken (and oddly right) field by field, in nested mappings and lists too."""
    out = []
    for key in list(deal):
        out.append({k: v for k, v in deal.items() if k != key})
        out.append({**deal, key: None})
        out.append({**deal, key: ""})
        out.append({**deal, key: []})
        out.append({**deal, key: {"x": 1}})
    buyers = deal.get("buyers") or [{}]
    for key in list(buyers[0]):
        out.append({**deal, "buyers": [{**buyers[0], key: None}]})
        out.append({**deal, "buyers": [{**buyers[0], key: ""}]})
        out.append({**deal, "buyers": [{**buyers[0], key: "12"}]})
    out.append({**deal, "surprise": 1})
    return out


@pytest.mark.parametrize("project", PROJECTS)
def test_deals_and_projects_broken_field_by_field_get_what_cerberus_gives(project):
    schema = SCHEMAS[PROJECTS[project]]
    deal = _yaml(sorted((ROOT / "examples" / project / "deals").glob("*.yaml"))[0])
    for variant in _variants(deal):
        assert _same(validate(copy.deepcopy(variant), schema["deal"]), _cerberus(variant, schema["deal"])), variant
    raw = _yaml(ROOT / "examples" / project / "project.yaml")
    for variant in _variants(raw):
        got = validate(copy.deepcopy(variant), schema["project"], allow_unknown=True)
        assert _same(got, _cerberus(copy.deepcopy(variant), schema["project"], True)), variant
