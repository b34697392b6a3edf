"""Values no deal may carry: each is input.invalid naming the file and the field, and a batch goes on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from toolkit import api
from toolkit.errors import ProjectError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cuihu"
GOOD = EXAMPLE / "deals" / "CHY-2026-0001.yaml"


def _deal(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _with(tmp_path: Path, name: str, field: str, value_yaml: str) -> Path:
    """The good deal with one field replaced by raw YAML."""
    lines = [ln for ln in GOOD.read_text(encoding="utf-8").splitlines() if not ln.startswith(f"{field}:")]
    return _deal(tmp_path, name, "\n".join(lines) + f"\n{field}: {value_yaml}\n")


BAD = {
    "nan.yaml": ("deposit", ".nan", "deposit"),
    "inf.yaml": ("deposit", "-.inf", "deposit"),
    "nan-text.yaml": ("deposit", "NaN", "deposit"),
    "infinity-text.yaml": ("deposit", "Infinity", "deposit"),
    "deep.yaml": ("zz_deep", "[" * 60 + "]" * 60, "zz_deep"),
    "surrogate.yaml": ("salesperson", '"\\ud800"', "salesperson"),
    "control.yaml": ("salesperson", '"李\\x07四"', "salesperson"),
    "bidi.yaml": ("salesperson", '"李\\u202e四"', "salesperson"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_value_is_input_invalid_naming_the_field(ws, tmp_path, name):
    field, value, where = BAD[name]
    (check,) = api.check_deals(ws, [_with(tmp_path, name, field, value)])
    assert not check.ok
    assert all(f.rule == "input.invalid" for f in check.findings)
    assert any(where in f.location for f in check.findings), [f.message for f in check.findings]
    assert all(name in f.message for f in check.findings)


def test_control_and_bidi_characters_in_a_buyer_name_are_refused(ws, tmp_path):
    data = yaml.safe_load(GOOD.read_text(encoding="utf-8"))
    for i, bad in enumerate(["张\x1b三", "张\u202e三", "张\u2066三"]):
        data["buyers"][0]["name"] = bad
        path = tmp_path / f"buyer-{i}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        (check,) = api.check_deals(ws, [path])
        assert [f.location for f in check.findings] == ["buyers[0].name"]


def test_a_duplicate_key_is_refused_naming_the_key(ws, tmp_path):
    text = GOOD.read_text(encoding="utf-8")
    (check,) = api.check_deals(ws, [_deal(tmp_path, "dup.yaml", text + "\nsalesperson: 王五\n")])
    (f,) = check.findings
    assert f.rule == "input.invalid" and f.location == "salesperson" and "键“salesperson”重复" in f.message


def test_a_folder_given_as_a_deal_file_says_so(ws, tmp_path):
    (check,) = api.check_deals(ws, [tmp_path])
    (f,) = check.findings
    assert f.rule == "input.invalid" and "文件夹" in f.message and ".yaml" in f.message


def test_a_batch_goes_on_past_every_bad_deal(ws, tmp_path):
    bad = [_with(tmp_path, n, *BAD[n][:2]) for n in sorted(BAD)]
    checks = api.check_deals(ws, [*bad, GOOD])
    assert [c.ok for c in checks] == [False] * len(bad) + [True]


def test_the_good_deal_stays_clean(ws):
    (check,) = api.check_deals(ws, [GOOD])
    assert check.ok and check.findings == []


@pytest.mark.parametrize("bad", ["NaN", "inf", "-Infinity"])
def test_nan_in_the_price_list_names_the_line_and_field(tmp_path, bad):
    project = tmp_path / "p"
    shutil.copytree(EXAMPLE, project)
    lines = (project / "units.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("list_unit_price")] = bad
    lines[1] = ",".join(row)
    (project / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="第2行 list_unit_price"):
        api.open_project(project)


def test_duplicate_keys_in_the_project_file_are_refused(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(EXAMPLE, project)
    text = (project / "project.yaml").read_text(encoding="utf-8")
    first = next(ln for ln in text.splitlines() if ln and not ln.startswith("#"))
    (project / "project.yaml").write_text(text + "\n" + first + "\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="重复"):
        api.open_project(project)
