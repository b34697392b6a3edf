"""Malformed input: input.invalid names the file and the field; a broken project names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import api
from toolkit.errors import ProjectError


def _findings(ws, tmp_path: Path, text: str):
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    (check,) = api.check_deals(ws, [path])
    return check


def test_a_file_that_is_not_yaml_is_input_invalid_naming_the_file(ws, tmp_path):
    check = _findings(ws, tmp_path, "deal_no: [unclosed\n")
    (f,) = check.findings
    assert f.rule == "input.invalid" and "deal.yaml" in f.message and "YAML" in f.message
    assert not check.ok


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("- a list\n- not a mapping\n", ""),
        ("deal_no: CHY-1\n", "unit"),
        ("deal_no: CHY-1\nunit: 1-1801\ndeposit: lots\n", "deposit"),
        ("deal_no: CHY-1\nunit: 1-1801\nsubscribe_date: 2026-13-45\n", "subscribe_date"),
        ("deal_no: CHY-1\nunit: 1-1801\nextra_discout: {}\n", "extra_discout"),
    ],
)
def test_each_malformed_field_is_named(ws, tmp_path, text, field):
    check = _findings(ws, tmp_path, text)
    assert all(f.rule == "input.invalid" for f in check.findings)
    assert field in {f.location for f in check.findings}


def test_a_wrong_buyer_field_names_its_path(ws, tmp_path, example):
    text = (
        (example / "deals" / "CHY-2026-0001.yaml")
        .read_text(encoding="utf-8")
        .replace("share_pct: 100", "share_pct: all")
    )
    check = _findings(ws, tmp_path, text)
    assert "buyers[0].share_pct" in {f.location for f in check.findings}


def test_an_unknown_unit_and_salesperson_are_input_invalid(ws, tmp_path, example):
    text = (example / "deals" / "CHY-2026-0001.yaml").read_text(encoding="utf-8")
    check = _findings(ws, tmp_path, text.replace("unit: 1-1801", "unit: 9-9999").replace("李娜", "无名氏"))
    assert {(f.rule, f.location) for f in check.findings} == {
        ("input.invalid", "unit"),
        ("input.invalid", "salesperson"),
    }


def test_a_broken_price_list_names_file_line_and_field(project_copy):
    units = project_copy / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("98.76", "abc", 1)
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ProjectError) as err:
        api.open_project(project_copy)
    assert "units.csv" in str(err.value) and "第2行" in str(err.value) and "building_area" in str(err.value)


def test_a_broken_project_file_names_the_field(project_copy):
    path = project_copy / "project.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("standard_deposit: 50000", "standard_deposit: x"), encoding="utf-8"
    )
    with pytest.raises(ProjectError) as err:
        api.open_project(project_copy)
    assert "project.yaml" in str(err.value) and "subscription.standard_deposit" in str(err.value)
