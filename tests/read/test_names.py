"""Our own documents check clean for buyers written with apostrophes, brackets or quotes, in both scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import api
from toolkit.render.pdf import convert

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"
NAMES = ["O'Brien", "Mary-Jane O’Neil", "陈（大文）", "李(Lee)", "“阿明”", "「陈小明」", "陈（Chan）大文"]


def render(ws, tmp_path: Path, name: str, script: str) -> list[Path]:
    text = DEAL.read_text(encoding="utf-8").replace("name: 张伟", "name: " + repr(name).replace("\\'", "''"))
    deal = tmp_path / DEAL.name
    deal.write_text(text, encoding="utf-8")
    result = api.render(ws, deals=[deal], docs=["subscription", "contract"], out=tmp_path, script=script)
    assert not result.findings
    return [d.docx for d in result.documents]


@pytest.mark.parametrize("script", ["hans", "hant"])
@pytest.mark.parametrize("name", NAMES)
def test_a_buyer_named_with_punctuation_checks_clean(ws, tmp_path, name, script):
    assert api.check(ws, render(ws, tmp_path, name, script)).findings == []


@pytest.mark.pdf
def test_as_pdf_too(ws, soffice, tmp_path):
    pdfs = convert(render(ws, tmp_path, "陈（Chan）O'Neil", "hant"), tmp_path / "pdf")
    assert api.check(ws, pdfs).findings == []


def test_a_name_changed_inside_brackets_is_still_caught(ws, tmp_path):
    import docx

    sub, contract = render(ws, tmp_path, "陈（大文）", "hans")
    d = docx.Document(str(sub))
    for p in d.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("大文", "小文", 1) if "认购人：" in p.text else run.text
    d.save(str(sub))
    assert "terms.mismatch" in {f.rule for f in api.check(ws, [sub, contract]).findings}


@pytest.mark.pdf
@pytest.mark.parametrize("script", ["hans", "hant"])
def test_as_printed_pdf_compared_page_by_page(ws, soffice, tmp_path, monkeypatch, script):
    """The printed PDFs of an awkward name, checked as copies against the printed ones: every page compared, clean."""
    import shutil

    text = DEAL.read_text(encoding="utf-8").replace(
        "name: 张伟", "name: " + repr("陈（Chan）O'Neil").replace("\\'", "''")
    )
    deal = tmp_path / DEAL.name
    deal.write_text(text, encoding="utf-8")
    printed = tmp_path / "printed"
    result = api.render(ws, deals=[deal], docs=["subscription", "contract"], out=printed, script=script, pdf=True)
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    (tmp_path / "in").mkdir()
    copies = [Path(shutil.copy(d.pdf, tmp_path / "in" / d.pdf.name)) for d in result.documents]
    checked = api.check(ws, copies)
    assert checked.findings == []
    assert all("页面图像已与打印件" in d.how and "第" not in d.how for d in checked.documents), [
        d.how for d in checked.documents
    ]
