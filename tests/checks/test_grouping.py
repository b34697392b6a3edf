"""One alteration is reported once, where a reader finds it, with what follows from it grouped under it.

The reproduction of issue 14: one digit changed in the 定金 row of a contract's payment plan gave five error
findings located at `table cell 240`, `deal.plan`, `deal.plan[0]` and `deal.plan[0].amount (document properties)`.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from toolkit import api

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"


@pytest.fixture(scope="module")
def clean(tmp_path_factory, ws) -> Path:
    out = tmp_path_factory.mktemp("clean")
    api.render(ws, deals=[DEAL], docs=["subscription", "contract"], out=out)
    return out


def deposit_row_changed(clean: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Copy the pair and change one digit of the 定金 row's amount in the contract's payment plan (附件四)."""
    sub, con = (shutil.copy(clean / f"CHY-2026-0001-{d}.docx", tmp_path) for d in ("subscription", "contract"))
    d = docx.Document(str(con))
    row = next(r for t in d.tables for r in t.rows if r.cells[0].text == "定金")
    run = next(r for p in row.cells[1].paragraphs for r in p.runs if r.text == "50,000.00")
    run.text = "51,000.00"
    d.save(str(con))
    return Path(sub), Path(con)


def errors(result) -> list:
    return [f for f in result.findings if f.severity == "error"]


def test_one_digit_in_the_deposit_row_is_one_finding_where_a_reader_finds_it(ws, clean, tmp_path):
    sub, con = deposit_row_changed(clean, tmp_path)
    (f,) = errors(api.check(ws, [sub, con]))
    assert f.location == "附件四 付款计划 第1行 定金 金额" and f.clause == "annex04_5"
    assert "51,000.00" in f.message and "50,000.00" in f.message
    follows = {(g["rule"], g["location"]) for g in f.extra["follows"]}
    assert ("amount.words_mismatch", "附件四 付款计划 第1行 定金 金额") in follows
    assert ("amount.arithmetic", "附件四 付款计划") in follows
    assert ("amount.arithmetic", "附件四 付款计划 第1行 定金") in follows
    assert "table cell" not in f.line() and "deal.plan" not in f.line()


def test_without_its_document_properties_the_changed_figures_lead_the_group(ws, clean, tmp_path):
    _, con = deposit_row_changed(clean, tmp_path)
    stripped = tmp_path / "printed-again.docx"
    with zipfile.ZipFile(con) as z, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as out:
        for n in z.namelist():
            if n != "docProps/custom.xml":
                out.writestr(n, z.read(n).replace(b'<Override PartName="/docProps/custom.xml"', b'<Dummy a=""'))
    (f,) = errors(api.check(ws, [stripped]))
    assert (f.rule, f.location, f.clause) == ("amount.words_mismatch", "附件四 付款计划 第1行 定金 金额", "annex04_5")
    assert {g["rule"] for g in f.extra["follows"]} == {"amount.arithmetic"}


def test_findings_about_different_values_stay_apart(ws, clean, tmp_path):
    _, con = deposit_row_changed(clean, tmp_path)
    d = docx.Document(str(con))
    run = next(r for p in d.paragraphs for r in p.runs if "30日内修复" in r.text)
    run.text = run.text.replace("30日内修复", "60日内修复")
    d.save(str(con))
    found = {(f.rule, f.clause) for f in errors(api.check(ws, [con]))}
    assert found == {("terms.mismatch", "annex04_5"), ("clause.altered", "art11_3")}
