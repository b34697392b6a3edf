"""The `loupan check` command: exit codes, JSON findings with locations, the HTML report."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from toolkit import api
from toolkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, ws) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("docs")
    api.render(ws, deals=[EXAMPLE / "deals" / "CHY-2026-0002.yaml"], docs=["subscription", "contract"], out=out)
    return out / "CHY-2026-0002-subscription.docx", out / "CHY-2026-0002-contract.docx"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_clean_pair_exits_0(capsys, rendered):
    code, out, _ = run(capsys, "check", *rendered, "--project", EXAMPLE)
    assert code == 0
    assert "CHY-2026-0002-subscription.docx：商品房认购书：无问题" in out
    assert "CHY-2026-0002-contract.docx：商品房买卖合同（预售）：无问题" in out
    assert "  核对方式：文本比对" in out and ": subscription:" not in out


def test_the_html_report_of_a_checked_pair_names_each_document_by_its_title(capsys, rendered, tmp_path):
    report = tmp_path / "report.html"
    code, _, _ = run(capsys, "check", *rendered, "--project", EXAMPLE, "--html", report)
    html = report.read_text(encoding="utf-8")
    assert code == 0 and "<small>商品房认购书</small>" in html and "<small>商品房买卖合同（预售）</small>" in html
    assert ">subscription<" not in html and ">contract<" not in html


def test_an_altered_contract_exits_1_with_json_findings_and_an_html_redline(capsys, rendered, tmp_path):
    altered = tmp_path / "contract.docx"
    d = docx.Document(str(rendered[1]))
    for p in d.paragraphs:
        for run_ in p.runs:
            run_.text = run_.text.replace("30日内修复", "90日内修复")
    d.save(str(altered))
    report = tmp_path / "report.html"
    code, out, _ = run(capsys, "check", rendered[0], altered, "--project", EXAMPLE, "--json", "--html", report)
    assert code == 1
    data = json.loads(out)
    (f,) = data["findings"]
    assert {"rule", "severity", "document", "location", "expected", "found", "message"} <= set(f)
    assert (f["rule"], f["clause"], f["location"], f["document"]) == (
        "clause.altered",
        "art11_3",
        "第十一条",
        "contract.docx",
    )
    assert [d["document"] for d in data["documents"]] == ["subscription", "contract"]
    html = report.read_text(encoding="utf-8")
    assert "<del>3</del><ins>9</ins>" in html
    # where: the heading a reader finds, the clause id only small beneath it (for whoever looks it up)
    assert "<td class='where'>第十一条<br><span class='rule'>art11_3</span></td>" in html
    assert "art11_3" not in f["message"]


def test_the_text_output_says_a_finding_in_chinese_without_the_clause_id(capsys, rendered, tmp_path):
    altered = tmp_path / "contract.docx"
    d = docx.Document(str(rendered[1]))
    for p in d.paragraphs:
        for run_ in p.runs:
            run_.text = run_.text.replace("30日内修复", "90日内修复")
    d.save(str(altered))
    code, out, _ = run(capsys, "check", rendered[0], altered, "--project", EXAMPLE)
    assert code == 1 and "contract.docx：商品房买卖合同（预售）：1项问题" in out
    assert "  错误：标准文本不得擅改（clause.altered）[第十一条]：条款文字与模板不一致：" in out
    assert "art11_3" not in out and "error:" not in out


def test_an_unreadable_file_exits_1(capsys, tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.7 broken")
    code, out, _ = run(capsys, "check", bad, "--project", EXAMPLE)
    assert code == 1 and "doc.unreadable" in out


def test_a_missing_file_is_wrong_usage(capsys, tmp_path):
    code, _, err = run(capsys, "check", tmp_path / "nothing.docx", "--project", EXAMPLE)
    assert code == 2 and "nothing.docx" in err
