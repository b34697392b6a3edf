"""sale.bundled (R-BAN-05) and copies.count (R-CT-10): each fires on what it forbids and is silent on clean text."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from toolkit import api
from toolkit.checks.content import Wording, scan

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"


def _rules(document: str, text: str) -> list[str]:
    return [f.rule for f in scan([Wording(document, f"{document}.docx", "补充协议", "sup_1", text)])]


@pytest.mark.parametrize(
    "document, text",
    [
        ("contract", "买受人须同时购买本项目车位一个。"),
        ("subscription", "认购本房号须一并认购装修套餐。"),
        ("qa", "车位作为认购的前提条件，先买车位才能选房。"),
        ("handbook", "本期房源与储藏室捆绑销售。"),
    ],
)
def test_bundling_wording_is_sale_bundled(document, text):
    assert _rules(document, text) == ["sale.bundled"]


@pytest.mark.parametrize(
    "text",
    ["购买车位、储藏室或者装修不是购买住房的条件。", "出卖人不得捆绑搭售车位。", "买受人可以自愿选购车位。"],
)
def test_wording_that_forbids_bundling_or_leaves_it_free_is_silent(text):
    assert _rules("qa", text) == []


@pytest.fixture(scope="module")
def contract(tmp_path_factory, ws) -> Path:
    out = tmp_path_factory.mktemp("copies")
    api.render(ws, deals=[DEAL], docs=["contract"], out=out)
    return out / "CHY-2026-0001-contract.docx"


def _copies(contract: Path, tmp_path: Path, old: str, new: str) -> Path:
    path = Path(shutil.copy(contract, tmp_path))
    d = docx.Document(str(path))
    for p in d.paragraphs:
        if old in p.text:
            for r in p.runs:
                r.text = r.text.replace(old, new)
    d.save(str(path))
    return path


@pytest.mark.parametrize("old, new", [("共4份", "共3份"), ("买受人1份", "买受人0份")], ids=["total", "buyer"])
def test_a_count_of_originals_that_does_not_add_up_is_copies_count(ws, contract, tmp_path, old, new):
    findings = api.check(ws, [_copies(contract, tmp_path, old, new)]).findings
    rules = {f.rule for f in findings} | {g["rule"] for f in findings for g in f.extra.get("follows", [])}
    assert "copies.count" in rules


def test_the_example_count_of_originals_is_clean(ws, contract):
    assert "copies.count" not in {f.rule for f in api.check(ws, [contract]).findings}
