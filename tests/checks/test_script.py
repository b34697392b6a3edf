"""Documents in traditional script: rendered with opencc and traditional capitals, and checked back clean."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from toolkit import api
from toolkit.domain.money import parse_capitals
from toolkit.render.pdf import convert

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0003.yaml"


@pytest.fixture(scope="module")
def hant(tmp_path_factory, ws):
    out = tmp_path_factory.mktemp("hant")
    result = api.render(ws, deals=[DEAL], docs=["subscription", "contract"], out=out, script="hant")
    return [d.docx for d in result.documents]


def _text(path: Path) -> str:
    d = docx.Document(str(path))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def test_traditional_documents_are_named_and_written_in_traditional_characters(hant):
    assert [p.name for p in hant] == ["CHY-2026-0003-subscription-hant.docx", "CHY-2026-0003-contract-hant.docx"]
    text = _text(hant[1])
    assert "商品房買賣合同" in text and "出賣人" in text and "买卖" not in text
    assert "人民幣捌佰柒拾捌萬貳仟肆佰肆拾肆元整" in text
    assert parse_capitals("人民幣捌佰柒拾捌萬貳仟肆佰肆拾肆元整") == 8782444
    assert "黃麗" in text  # names in the data are written traditionally too


def test_traditional_documents_check_clean(ws, hant):
    assert api.check(ws, hant).findings == []
    assert api.check(ws, hant, script="hant").findings == []


def test_an_alteration_in_a_traditional_document_is_found(ws, hant, tmp_path):
    d = docx.Document(str(hant[1]))
    for p in d.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("30日內修復", "90日內修復")
    altered = tmp_path / "altered.docx"
    d.save(str(altered))
    assert {(f.rule, f.clause) for f in api.check(ws, [altered]).findings} == {("clause.altered", "art11_3")}


@pytest.mark.pdf
def test_traditional_pdfs_check_clean(ws, soffice, hant, tmp_path):
    pdfs = convert(hant, tmp_path)
    assert api.check(ws, pdfs).findings == []
