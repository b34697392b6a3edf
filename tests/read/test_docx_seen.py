"""A DOCX is judged by what a reader sees: each way of hiding text, adding text outside the body or embedding
active content is tried in several constructions on a freshly rendered contract."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from toolkit import api

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"
CLAUSE = "出卖人应当双倍返还定金"


def rewrite(path: Path, change) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def split_double(path: Path, rpr: str, style: str = "") -> None:
    """Cut 双倍 into a run of its own with the given run properties (and a character style added)."""

    def change(parts):
        xml = parts["word/document.xml"].decode()
        m = re.search(r"<w:r>(<w:rPr>.*?</w:rPr>|<w:rPr/>)?<w:t[^>]*>([^<]*双倍返还定金[^<]*)</w:t></w:r>", xml)
        assert m, "the clause run"
        before, after = m.group(2).split("双倍", 1)
        keep = m.group(1) or ""
        new = (
            f'<w:r>{keep}<w:t xml:space="preserve">{before}</w:t></w:r><w:r><w:rPr>{rpr}</w:rPr><w:t>双倍</w:t></w:r>'
            f'<w:r>{keep}<w:t xml:space="preserve">{after}</w:t></w:r>'
        )
        parts["word/document.xml"] = (xml[: m.start()] + new + xml[m.end() :]).encode()
        if style:
            parts["word/styles.xml"] = (
                parts["word/styles.xml"].decode().replace("</w:styles>", style + "</w:styles>").encode()
            )

    rewrite(path, change)


def found(ws, path: Path) -> set[str]:
    return {f.rule for f in api.check(ws, [path]).findings if f.severity == "error"}


HIDE = [
    ("<w:vanish/>", ""),
    ("<w:specVanish/>", ""),
    ('<w:color w:val="FFFFFF"/>', ""),
    ('<w:color w:val="FEFEFE"/>', ""),
    ('<w:color w:val="FFFFFF" w:themeColor="background1"/>', ""),
    ('<w:color w:val="000000"/><w:shd w:val="clear" w:color="auto" w:fill="000000"/>', ""),
    ('<w:color w:val="FFFF00"/><w:highlight w:val="yellow"/>', ""),
    ('<w:sz w:val="1"/><w:szCs w:val="1"/>', ""),
    ('<w:w w:val="1"/>', ""),
    ('<w:spacing w:val="-400"/>', ""),
    ('<w14:textFill xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"><w14:noFill/></w14:textFill>', ""),
    (
        '<w:rStyle w:val="Ghost"/>',
        '<w:style w:type="character" w:styleId="Ghost"><w:name w:val="Ghost"/><w:rPr><w:vanish/></w:rPr></w:style>',
    ),
    (
        '<w:rStyle w:val="Pale"/>',
        '<w:style w:type="character" w:styleId="Base0"><w:name w:val="Base0"/><w:rPr><w:color w:val="FFFFFF"/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="Pale"><w:name w:val="Pale"/><w:basedOn w:val="Base0"/></w:style>',
    ),
    (
        '<w:rStyle w:val="Tiny"/>',
        '<w:style w:type="character" w:styleId="Tiny"><w:name w:val="Tiny"/><w:rPr><w:sz w:val="2"/></w:rPr></w:style>',
    ),
]


@pytest.mark.parametrize(("rpr", "style"), HIDE)
def test_text_hidden_by_run_or_style_formatting_is_hidden_and_the_clause_altered(ws, doc, rpr, style):
    split_double(doc, rpr, style)
    result = api.check(ws, [doc])
    rules = {f.rule for f in result.findings}
    assert "doc.hidden" in rules
    altered = [f for f in result.findings if f.rule == "clause.altered"]
    assert altered and "双倍" in altered[0].expected and "双倍" not in altered[0].found


@pytest.mark.parametrize(
    "rpr", ['<w:color w:val="000000"/>', "<w:b/>", '<w:color w:val="FFFFFF"/><w:shd w:val="clear" w:fill="000080"/>']
)
def test_visible_formatting_of_a_run_stays_clean(ws, doc, rpr):
    split_double(doc, rpr)
    assert api.check(ws, [doc]).findings == []


def test_the_same_default_hidden_through_document_defaults(ws, doc):
    def change(parts):
        s = parts["word/styles.xml"].decode()
        parts["word/styles.xml"] = re.sub(
            r"<w:rPrDefault>\s*<w:rPr>", '<w:rPrDefault><w:rPr><w:color w:val="FFFFFF"/>', s, count=1
        ).encode()

    rewrite(doc, change)
    assert "doc.hidden" in found(ws, doc)


def _append_to(part: str, paragraph_xml: str):
    def change(parts):
        xml = parts[part].decode()
        end = xml.rindex("</w:")
        parts[part] = (xml[:end] + paragraph_xml + xml[end:]).encode()

    return change


ADDED = "<w:p><w:r><w:t>出卖人不承担逾期交房的违约责任。</w:t></w:r></w:p>"


@pytest.mark.parametrize("part", ["word/header1.xml", "word/footer1.xml"])
def test_text_added_to_a_header_or_footer_is_clause_altered_naming_the_part(ws, doc, part):
    rewrite(doc, _append_to(part, ADDED))
    altered = [f for f in api.check(ws, [doc]).findings if f.rule == "clause.altered"]
    assert altered and altered[0].location in ("页眉", "页脚")


def test_header_wording_edited_is_clause_altered(ws, doc):
    def change(parts):
        parts["word/header1.xml"] = parts["word/header1.xml"].decode().replace("商品房认购书", "商品房意向书").encode()

    rewrite(doc, change)
    assert {f.location for f in api.check(ws, [doc]).findings if f.rule == "clause.altered"} == {"页眉"}


def test_a_footnote_added_is_clause_altered_at_the_footnotes(ws, doc):
    notes = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1">'
        + ADDED
        + "</w:footnote></w:footnotes>"
    )
    rewrite(doc, lambda parts: parts.__setitem__("word/footnotes.xml", notes.encode()))
    assert "脚注" in {f.location for f in api.check(ws, [doc]).findings if f.rule == "clause.altered"}


def test_a_text_box_is_read_and_compared(ws, doc):
    box = (
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
        + ADDED
        + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )

    def change(parts):
        xml = parts["word/document.xml"].decode()
        parts["word/document.xml"] = xml.replace("</w:p>", box + "</w:p>", 1).encode()

    rewrite(doc, change)
    assert "文本框" in {f.location for f in api.check(ws, [doc]).findings if f.rule == "clause.altered"}


ACTIVE = [
    lambda p: p.__setitem__("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro"),
    lambda p: p.__setitem__("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0ole"),
    lambda p: p.__setitem__(
        "word/_rels/document.xml.rels",
        p["word/_rels/document.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            b'Target="http://example.invalid/t.dotm" TargetMode="External"/></Relationships>',
        ),
    ),
    lambda p: p.__setitem__(
        "word/document.xml",
        p["word/document.xml"].replace(
            b"</w:p>",
            b'<w:fldSimple w:instr=" INCLUDETEXT &quot;x.docx&quot; "><w:r><w:t></w:t></w:r></w:fldSimple></w:p>',
            1,
        ),
    ),
    lambda p: p.__setitem__(
        "word/footer1.xml",
        p["word/footer1.xml"].replace(
            b"<w:t>1</w:t></w:r></w:fldSimple>", b"<w:t>1 \xe5\x8f\x8c</w:t></w:r></w:fldSimple>", 1
        ),
    ),
]


@pytest.mark.parametrize("change", ACTIVE, ids=["macro", "ole", "external", "field", "field-result"])
def test_active_or_remote_content_is_doc_active(ws, doc, change):
    rewrite(doc, change)
    assert "doc.active" in found(ws, doc)


def test_a_clean_document_has_no_hidden_or_active_finding(ws, rendered):
    assert api.check(ws, [rendered]).findings == []
