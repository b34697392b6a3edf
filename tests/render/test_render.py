"""Rendering: documents written, amounts in figures and capitals, provenance, escaping, clause bookmarks."""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import yaml

from toolkit import api
from toolkit.authoring.source import conditional_clause_ids, parse_source
from toolkit.domain.money import parse_capitals
from toolkit.errors import RenderError
from toolkit.pack.manifest import file_sha256
from toolkit.read.document import read_document
from toolkit.render.docx import CompiledTemplate
from toolkit.render.provenance import input_sha256

ROOT = Path(__file__).resolve().parents[2]
DEAL1 = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"


def text_of(path: Path) -> str:
    """Return a DOCX's visible text: paragraphs and table cells."""
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, ws):
    out = tmp_path_factory.mktemp("out")
    result = api.render(ws, deals=[DEAL1], docs=["subscription", "contract", "procedure", "handbook"], out=out)
    return out, result


def test_a_clean_deal_renders_both_documents_and_the_project_documents(rendered):
    out, result = rendered
    names = sorted(p.name for p in out.glob("*.docx"))
    assert names == [
        "CHY-2026-0001-contract.docx",
        "CHY-2026-0001-subscription.docx",
        "CHY-handbook.docx",
        "CHY-procedure.docx",
    ]
    assert result.findings == []


@pytest.mark.parametrize("doc", ["contract", "subscription"])
def test_total_deposit_and_plan_appear_in_figures_and_matching_capitals(rendered, doc):
    text = text_of(rendered[0] / f"CHY-2026-0001-{doc}.docx")
    for figure in ("7,154,424.00", "50,000.00", "72,442.53"):
        assert figure in text
    capitals = re.findall(r"人民币[壹贰叁肆伍陆柒捌玖拾][零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]*", text)
    values = {parse_capitals(c) for c in capitals}
    assert {Decimal("7154424"), Decimal("50000"), Decimal("72442.53")} <= values
    assert "元整元整" not in text and "分整" not in text


def test_the_contract_names_the_permit_escrow_account_and_buyer(rendered):
    text = text_of(rendered[0] / "CHY-2026-0001-contract.docx")
    for expected in ("深房许字（2026）南山012号", "44250100003600001234", "张伟", "440305198806124536", "1-1801"):
        assert expected in text


def test_the_contract_has_ten_chapters_and_twenty_nine_articles(rendered):
    text = text_of(rendered[0] / "CHY-2026-0001-contract.docx")
    chapters = re.findall(r"^第([一二三四五六七八九十]+)章", text, flags=re.M)
    articles = re.findall(r"^第([一二三四五六七八九十]+)条", text, flags=re.M)
    assert len(chapters) == 10 and len(articles) == 29
    for annex in ("附件四", "附件七", "附件十一"):
        assert re.search(f"^{annex}", text, flags=re.M)


def test_onerous_supplement_clauses_are_bold(rendered):
    d = docx.Document(str(rendered[0] / "CHY-2026-0001-contract.docx"))
    bold = [p.text for p in d.paragraphs if p.runs and all(r.bold for r in p.runs if r.text.strip())]
    assert any("加粗" in t or "逾期" in t for t in bold)
    assert len(bold) >= 5


def test_the_procedure_shows_the_authority_table_from_the_project(rendered):
    text = text_of(rendered[0] / "CHY-procedure.docx")
    for role, rate, person in (("案场经理", "1", "周敏"), ("销售经理", "2", "王强"), ("总经理", "6", "郑国华")):
        assert role in text and person in text
    assert "deposit.over_limit" in text  # the rules table comes from the same policy the checks use


def test_the_handbook_draws_facts_from_the_project_and_the_qa_bank(ws, rendered):
    text = text_of(rendered[0] / "CHY-handbook.docx")
    assert "深房许字（2026）南山019号" in text and "2028年6月30日" in text and "3室2厅2卫" in text
    assert ws.pack.qa[0]["q"] in text
    assert "{{" not in text and "{%" not in text


def test_provenance_is_in_the_docx_properties_and_the_sidecar(ws, rendered):
    out, _ = rendered
    path = out / "CHY-2026-0001-contract.docx"
    props = read_document(path).properties
    assert props["document_id"] == "CHY-2026-0001-contract"
    assert (props["pack"], props["pack_version"]) == ("prc-presale", ws.pack.version)
    assert props["template_sha256"] == file_sha256(ws.pack.document("contract").template)
    sidecar = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["provenance"] == props
    recomputed = input_sha256({k: v for k, v in sidecar["input"].items() if k != "doc"})
    assert recomputed == props["input_sha256"]


def test_the_input_hash_changes_with_the_deal(ws, tmp_path):
    data = yaml.safe_load(DEAL1.read_text(encoding="utf-8"))
    data["buyers"][0]["phone"] = "13800138999"
    other = tmp_path / "d.yaml"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    a = api.render(ws, deals=[DEAL1], docs=["subscription"], out=tmp_path / "a").documents[0]
    b = api.render(ws, deals=[other], docs=["subscription"], out=tmp_path / "b").documents[0]
    assert a.properties["input_sha256"] != b.properties["input_sha256"]
    assert a.properties["template_sha256"] == b.properties["template_sha256"]


def test_each_manifest_clause_id_is_a_bookmark_in_the_rendered_document(ws, rendered):
    with zipfile.ZipFile(rendered[0] / "CHY-2026-0001-contract.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    marks = set(re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', xml))
    declared = set(ws.pack.document("contract").clauses)
    spec = ws.pack.document("contract")
    conditional = conditional_clause_ids(parse_source(spec.source))  # options a deal may leave out
    assert declared - conditional <= marks <= declared


def test_data_holding_xml_or_template_syntax_is_rendered_literally(ws, tmp_path):
    data = yaml.safe_load(DEAL1.read_text(encoding="utf-8"))
    name = "张&伟<b>{{ 7*7 }}{% if 1 %}x{% endif %}]]>"
    data["buyers"][0]["name"] = name
    data["buyers"][0]["address"] = "深圳\n南山区 科技园 & <w:t>"  # a control character is refused (input.invalid)
    path = tmp_path / "escape.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = api.render(ws, deals=[path], docs=["contract", "subscription"], out=tmp_path / "out")
    assert result.findings == []
    for doc in result.documents:
        text = text_of(doc.docx)  # python-docx parses it: the XML is well formed
        assert name in text and "49" not in text.split(name)[0][-3:]
        assert "深圳 南山区 科技园 & <w:t>" in text


def test_a_template_naming_an_unknown_variable_fails_with_the_template_named(tmp_path):
    d = docx.Document()
    d.add_paragraph("{{ nothing.here | text }}")
    path = tmp_path / "bad.docx"
    d.save(str(path))
    with pytest.raises(RenderError, match="bad.docx"):
        CompiledTemplate(path).render({}, {})


def test_templates_cannot_reach_python_internals(tmp_path):
    d = docx.Document()
    d.add_paragraph("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    path = tmp_path / "evil.docx"
    d.save(str(path))
    with pytest.raises(RenderError):
        CompiledTemplate(path).render({}, {})


def test_a_deal_with_an_error_writes_no_document(ws, tmp_path):
    bad = ROOT / "examples" / "cuihu" / "deals-invalid" / "below-floor.yaml"
    result = api.render(ws, deals=[bad], docs=["subscription", "contract"], out=tmp_path)
    assert result.documents == [] and not list(tmp_path.iterdir())


def test_rendering_twice_gives_the_same_text(ws, tmp_path):
    a = api.render(ws, deals=[DEAL1], docs=["contract"], out=tmp_path / "a").documents[0]
    b = api.render(ws, deals=[DEAL1], docs=["contract"], out=tmp_path / "b").documents[0]
    assert text_of(a.docx) == text_of(b.docx)


def test_the_docx_declares_its_custom_properties_part(rendered):
    with zipfile.ZipFile(rendered[0] / "CHY-2026-0001-subscription.docx") as z:
        assert "docProps/custom.xml" in z.read("[Content_Types].xml").decode()
        assert "docProps/custom.xml" in z.read("_rels/.rels").decode()
        z.testzip()
