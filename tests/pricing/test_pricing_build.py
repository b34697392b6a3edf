"""Pricing from a scheme: figures computed by hand, the example reproduced, the checks firing and silent."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from toolkit import api
from toolkit.checks.inputs import load_project
from toolkit.errors import ProjectError
from toolkit.pricing import load_scheme, price_all

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"
SMALL = {
    "name": "手算方案",
    "effective": "2026-03-01",
    "rounding": "ten",
    "base": [
        {"building": "1", "price": 10000, "storey_height_m": 3.0},
        {"building": "1", "layout": "2室2厅1卫", "price": 9000, "storey_height_m": 3.0},
        {"building": "2", "price": 9500, "storey_height_m": 3.0},
        {"building": "3", "price": 9000, "storey_height_m": 3.0},
        {"building": "4", "price": 8000, "storey_height_m": 3.0},
    ],
    "factors": [
        {"name": "楼层", "by": "floor", "times_per_step": 0.01, "from": 2},
        {"name": "朝向", "by": "orientation", "add": {"北": -200}},
        {"name": "景观", "by": "unit", "times": {"1-1801": 1.05}},
        {"name": "噪音", "by": "position", "add": {"04": -100}},
        {"name": "边户", "by": "position", "times": {"01": 1.02}},
        {"name": "楼栋", "by": "building", "add": {"2": 50}},
        {"name": "户型", "by": "layout", "add": {"4室2厅2卫": 30}},
        {"name": "户号", "by": "room", "add": {"0204": 10}},
    ],
    "filed": {"pct_of_list": 106},
    "floor_price": {"pct_of_list": 95},
    "smooth_exempt": {"1-1901": "18层湖景最佳，19层起视野受遮挡"},
}


def scheme_file(tmp_path: Path, **changes) -> Path:
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump({**SMALL, **changes}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ws():
    return api.open_project(EXAMPLE)


def test_every_coefficient_as_computed_by_hand(ws, tmp_path):
    priced = {p.unit.code: p for p in price_all(ws.project, load_scheme(scheme_file(tmp_path)))}
    # 1-1801: 10000 × 1.16 (floor 18) × 1.05 (view) × 1.02 (end unit) = 12423.6 → 12420 (to ten yuan)
    a = priced["1-1801"]
    assert (a.unit.list_unit_price, a.unit.filed_unit_price, a.unit.floor_unit_price) == (12420, 13170, 11800)
    assert a.total == Decimal("1226599")  # 12420 × 98.76 = 1,226,599.2 → to the yuan
    # 1-0204 (2室2厅1卫 product, 9000): floor 2 × 1.00, north −200, road side −100, room 0204 +10 = 8710;
    # filed 9232.6 → 9230; floor 8274.5 → 8270; total 8710 × 76.15 = 663,266.5 → 663,267 (half up)
    b = priced["1-0204"]
    assert (b.unit.list_unit_price, b.unit.filed_unit_price, b.unit.floor_unit_price) == (8710, 9230, 8270)
    assert b.total == Decimal("663267")
    # 2-0302: 9500 × 1.01 + 50 (building 2) + 30 (4室2厅2卫) = 9675 → 9680 (half up); filed 10260.8 → 10260;
    # floor 9196 → 9200; total 9680 × 128.40 = 1,242,912
    c = priced["2-0302"]
    assert (c.unit.list_unit_price, c.unit.filed_unit_price, c.unit.floor_unit_price) == (9680, 10260, 9200)
    assert c.total == Decimal("1242912")


def test_the_example_scheme_reproduces_the_example_price_list(ws, tmp_path):
    built = api.pricing_build(ws, EXAMPLE / "pricing" / "scheme.yaml", tmp_path, pdf=False)
    assert (tmp_path / "units.csv").read_text("utf-8") == (EXAMPLE / "units.csv").read_text("utf-8")
    assert built.findings == []  # every check silent on the example
    # the toolkit reads both files back as a price list equal to the example's
    for name in ("units.csv", "units.xlsx"):
        copy = tmp_path / name.replace(".", "-")
        copy.mkdir()
        shutil.copy(EXAMPLE / "project.yaml", copy)
        shutil.copy(tmp_path / name, copy / name)
        assert load_project(copy, ws.pack).units == ws.project.units


def test_the_public_notice_carries_every_field_the_rules_ask_for(ws, tmp_path):
    from docx import Document

    api.pricing_build(ws, EXAMPLE / "pricing" / "scheme.yaml", tmp_path, pdf=False)
    doc = Document(str(tmp_path / "CHY-price-notice.docx"))
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    for field in ("房号", "楼层", "户型", "层高", "建筑面积", "套内面积", "分摊面积", "单价", "总价", "状态"):
        assert any(field in h for h in header), field
    assert len(table.rows) == 1 + len(ws.project.units)  # one row per unit
    row = next(r for r in table.rows if r.cells[0].text == "1-1201")
    assert [c.text for c in row.cells[:10]] == ["1-1201", "12", "3室2厅2卫", "3.00", "98.76", "79.32", "19.44",
                                                "72,740.00", "7,183,802.00", "已售"]  # fmt: skip
    assert {r.cells[9].text for r in table.rows[1:]} == {
        "可售",
        "已售",
        "暂不销售",
    }  # status shown as the public reads it
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "深房许字（2026）南山012号" in text and "12315" in text and "开盘优惠" in text


def test_a_list_price_above_the_filed_price_and_a_floor_too_far_below_it(ws, tmp_path):
    built = api.pricing_build(ws, scheme_file(tmp_path, filed={"pct_of_list": 99}, max_below_filed_pct=3),
                              tmp_path / "out", pdf=False)  # fmt: skip
    rules = {f.rule for f in built.findings}
    assert "pricelist.filed" in rules
    msgs = [f.message for f in built.findings if f.rule == "pricelist.filed" and f.location == "1-1801"]
    assert any("高于备案价" in m for m in msgs) and any("下浮3%" in m for m in msgs)


def test_average_off_target_warns_and_on_target_is_silent(ws, tmp_path):
    built = api.pricing_build(ws, scheme_file(tmp_path, target={"average_unit_price": 9000, "tolerance_pct": 1}),
                              tmp_path / "a", pdf=False)  # fmt: skip
    assert [f.rule for f in built.findings] == ["pricelist.target"]
    have = Decimal(built.figures["average_unit_price"])
    built = api.pricing_build(ws, scheme_file(tmp_path, target={"average_unit_price": str(have)}), tmp_path / "b",
                              pdf=False)  # fmt: skip
    assert built.findings == []


def test_a_unit_cheaper_than_the_one_below_needs_a_reason(ws, tmp_path):
    built = api.pricing_build(ws, scheme_file(tmp_path, smooth_exempt={}), tmp_path / "out", pdf=False)
    assert [(f.rule, f.location) for f in built.findings] == [("pricelist.unsmooth", "1-1901")]


def test_a_real_original_price_is_silent_and_an_invented_one_fires(tmp_path):
    project = tmp_path / "cuihu"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".loupan"))
    ws = api.open_project(project)
    bad = scheme_file(tmp_path, filed={"pct_of_list": 99}, effective="2026-02-01")
    assert not api.pricing_build(ws, bad, tmp_path / "refused", record=True, pdf=False).recorded
    assert api.price_history(ws, "1-0201") == []  # a price list with errors is not history
    assert api.pricing_build(
        ws, EXAMPLE / "pricing" / "scheme.yaml", tmp_path / "first", record=True, pdf=False
    ).recorded
    assert api.price_history(ws, "1-0201")[0]["list_unit_price"] == "69540"
    scheme = yaml.safe_load((EXAMPLE / "pricing" / "scheme.yaml").read_text("utf-8"))
    special = {"unit": "1-0201", "price": 65000, "condition": "限一次性付款，2026年6月30日前认购"}
    later = tmp_path / "later.yaml"
    for original, expected in ((69540, []), (72000, ["price.false_original"])):
        later.write_text(yaml.safe_dump({**scheme, "effective": "2026-06-01", "specials": [special | {"original": original}]},
                                        allow_unicode=True), "utf-8")  # fmt: skip
        built = api.pricing_build(ws, later, tmp_path / f"out{original}", pdf=False)
        assert [f.rule for f in built.findings] == expected


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"base": [{"building": "1", "price": "abc", "storey_height_m": 3}]}, "base[0].price"),
        ({"factors": [{"name": "楼层", "by": "floors", "add_per_step": 1}]}, "factors[0].by"),
        ({"factors": [{"name": "朝向", "by": "orientation", "times": {"北": 0}}]}, "factors[0].times"),
        ({"effective": "next week"}, "effective"),
        ({"filed": {}}, "filed"),
    ],
)
def test_a_bad_scheme_names_the_file_and_the_field(tmp_path, change, field):
    with pytest.raises(ProjectError) as err:
        load_scheme(scheme_file(tmp_path, **change))
    assert err.value.field == field and "scheme.yaml" in str(err.value)


def test_the_project_price_list_is_never_overwritten(ws, example):
    from toolkit.errors import UsageError

    with pytest.raises(UsageError):
        api.pricing_build(ws, EXAMPLE / "pricing" / "scheme.yaml", example, pdf=False)
