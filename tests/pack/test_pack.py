"""The pack format: manifest, schema, sources and the DOCX templates built from them."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from toolkit.authoring.build import build_docx
from toolkit.authoring.pack_build import build_pack
from toolkit.authoring.source import clause_ids, parse_source, split_cells
from toolkit.errors import PackError
from toolkit.pack.manifest import load_pack

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "templates" / "prc-presale"


ALL_DOCS = [
    "contract",
    "subscription",
    "procedure",
    "handbook",
    "change_room",
    "change_refund",
    "change_rename",
    "change_price",
    "notice_design_change",
    "notice_delivery",
    "notice_overdue",
    "case_reply",
]


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


def test_the_default_pack_has_the_four_documents_and_the_change_forms(pack):
    assert set(pack.documents) == set(ALL_DOCS)
    assert pack.docs_per("change") == ["change_room", "change_refund", "change_rename", "change_price"]
    assert pack.docs_per("deal") == ["contract", "subscription"]
    assert pack.version.count(".") == 2


@pytest.mark.parametrize("doc", ALL_DOCS)
def test_each_committed_template_is_the_build_of_its_source(pack, tmp_path, doc):
    spec = pack.document(doc)
    rebuilt = tmp_path / "rebuilt.docx"
    build_docx(spec.source, rebuilt, title=spec.title, header="{{ project.name | text }} · " + spec.title)
    assert rebuilt.read_bytes() == spec.template.read_bytes(), "run `make templates` and commit the result"


@pytest.mark.parametrize("doc", ALL_DOCS)
def test_manifest_clause_ids_are_the_source_ids_and_the_template_bookmarks(pack, doc):
    spec = pack.document(doc)
    assert list(spec.clauses) == clause_ids(parse_source(spec.source))
    with zipfile.ZipFile(spec.template) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    for clause in spec.clauses:
        assert f'w:name="{clause}"' in xml


def test_the_templates_set_a_cjk_east_asia_font(pack):
    with zipfile.ZipFile(pack.document("contract").template) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="Noto Serif CJK SC"' in styles
    assert "MS Mincho" not in styles.split("<w:style ")[0]


def test_the_contract_marks_every_article_paragraph_with_a_clause_id(pack):
    blocks = parse_source(pack.document("contract").source)
    in_articles = False
    for b in blocks:
        in_articles = in_articles or (b.kind == "article" and b.text.startswith("第一条"))
        if in_articles and b.kind == "plain" and "{{" not in b.text:
            assert b.text.endswith("：") or "签" in b.text or "盖章" in b.text or "日期" in b.text, b.text


def test_a_table_row_keeps_the_pipe_of_a_filter_in_its_cell():
    assert split_cells(Path("x"), 1, "| {{ r.amount | yuan }} | b |") == ["{{ r.amount | yuan }}", "b"]


def _source(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("[Bad-Id] text\n", "条款编号"),
        ("[a_1] one\n[a_1] two\n", "不重复"),
        ("{%p for b in buyers %}\n[a_1] {{ b.name | text }}\n{%p endfor %}\n", "循环"),
        ("|a|b\n", "以“|”结尾"),
    ],
)
def test_source_faults_name_the_line(tmp_path, text, fault):
    with pytest.raises(PackError, match=fault) as err:
        parse_source(_source(tmp_path, text))
    assert re.search(r"第\d+行", str(err.value))


def _pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK, target)
    return target


def test_a_manifest_without_a_version_is_refused(tmp_path):
    pack = _pack_copy(tmp_path)
    manifest = pack / "pack.yaml"
    manifest.write_text(
        re.sub(r"(?m)^version: .*$", "version: one", manifest.read_text(encoding="utf-8")), encoding="utf-8"
    )
    with pytest.raises(PackError, match="version"):
        load_pack(pack)


def test_a_duplicated_clause_id_in_the_source_is_refused_and_nothing_is_built(tmp_path):
    pack = _pack_copy(tmp_path)
    _new_version(pack)
    source = pack / "src" / "contract.txt"
    before = (pack / "contract.docx").read_bytes()
    source.write_text(source.read_text(encoding="utf-8").replace("[note_2]", "[note_1]", 1), encoding="utf-8")
    with pytest.raises(PackError, match=r"note_1（第\d+行已用）"):
        build_pack(pack)
    assert (pack / "contract.docx").read_bytes() == before


def test_a_missing_template_is_named(tmp_path):
    pack = _pack_copy(tmp_path)
    (pack / "handbook.docx").unlink()
    with pytest.raises(PackError, match="handbook.docx"):
        load_pack(pack)


def _new_version(pack: Path, version: str = "9.0.0") -> None:
    """Raise the copy's version above every release, so its wording may change."""
    manifest = pack / "pack.yaml"
    text = re.sub(r"(?m)^version: .*$", f"version: {version}", manifest.read_text(encoding="utf-8"))
    manifest.write_text(text, encoding="utf-8")


def test_a_clause_added_in_the_source_is_a_clause_of_the_pack_without_listing_it_anywhere(tmp_path):
    pack = _pack_copy(tmp_path)
    _new_version(pack)
    source = pack / "src" / "subscription.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n[sub_new_1] 新增条款。\n", encoding="utf-8")
    build_pack(pack)
    clauses = load_pack(pack).document("subscription").clauses
    assert clauses[-1] == "sub_new_1" and clauses == tuple(clause_ids(parse_source(source)))


def test_a_manifest_that_still_lists_clause_ids_is_refused_naming_where_they_come_from(tmp_path):
    pack = _pack_copy(tmp_path)
    manifest = pack / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("    source: src/handbook.txt\n", "    source: src/handbook.txt\n    clauses: [hb_intro_1]\n")
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(PackError, match=r"documents\.handbook\.clauses.*源文件（src/）中的 \[id\] 标记"):
        load_pack(pack)


def test_a_schema_without_a_deal_part_is_refused(tmp_path):
    pack = _pack_copy(tmp_path)
    (pack / "schema.yaml").write_text("project: {}\nunit: {}\n", encoding="utf-8")
    with pytest.raises(PackError, match="deal"):
        load_pack(pack)


@pytest.mark.parametrize(
    "text",
    [
        "{{ deal.total + 1 }}",
        "{{ deal.total | upper }}",
        "总价{{ deal.total }}元",
        "{{ a.name | text }}{{ b.name | text }}",
        "{% if x %}可选{% endif %}",
    ],
)
def test_a_template_that_cannot_be_read_back_is_refused_when_first_used(tmp_path, text):
    pack = _pack_copy(tmp_path)
    doc = docx.Document(str(pack / "subscription.docx"))
    doc.add_paragraph(text)
    doc.save(str(pack / "subscription.docx"))
    loaded = load_pack(pack)  # loading compiles nothing: a check needs one or two of the documents
    loaded.compiled_for("contract")
    with pytest.raises(PackError, match="subscription.docx"):
        loaded.compiled_for("subscription")


def test_loading_a_pack_compiles_no_document_and_a_document_once_on_first_use():
    pack = load_pack(PACK)
    assert pack.compiled == {}
    contract = pack.compiled_for("contract")
    assert pack.compiled_for("contract") is contract and list(pack.compiled) == ["contract"]


def test_the_compiled_contract_holds_every_clause_of_the_source(pack):
    compiled = pack.compiled_for("contract")
    assert compiled.clause_ids == pack.document("contract").clauses


def test_a_template_that_cannot_be_read_back_is_not_rendered(tmp_path):
    from toolkit import api

    pack = _pack_copy(tmp_path)
    doc = docx.Document(str(pack / "subscription.docx"))
    doc.add_paragraph("{{ deal.total + 1 }}")
    doc.save(str(pack / "subscription.docx"))
    ws = api.open_project(ROOT / "examples" / "cuihu", pack_dir=pack)
    deal = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"
    with pytest.raises(PackError, match="subscription.docx"):
        api.render(ws, deals=[deal], docs=["subscription"], out=tmp_path / "out")
    assert not list(tmp_path.glob("out/*.docx"))
