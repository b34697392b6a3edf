"""DOCX drawings the template does not have: floating over or behind the text they may hide words (doc.hidden),
in line or wrapped they add something the template has not (clause.altered); several constructions of each."""

from __future__ import annotations

import re

import pytest

from tests.read.test_docx_seen import rewrite
from toolkit import api

EMU = 'cx="1828800" cy="228600"'
RECT = (
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData '
    'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr/><wps:spPr>'
    f'<a:xfrm><a:off x="0" y="0"/><a:ext {EMU}/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    '<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></wps:spPr>{box}<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
)
BOX = "<wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
PIC = (
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData '
    'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="7" name="p"/>'
    '<pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdX"/></pic:blipFill><pic:spPr><a:xfrm>'
    f'<a:off x="0" y="0"/><a:ext {EMU}/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    "</pic:pic></a:graphicData></a:graphic>"
)


def anchor(graphic: str, wrap: str = "<wp:wrapNone/>", behind: str = "0") -> str:
    return (
        f'<w:drawing><wp:anchor behindDoc="{behind}" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'locked="0" layoutInCell="1" allowOverlap="1" relativeHeight="3"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent {EMU}/><wp:effectExtent l="0" t="0" r="0" b="0"/>{wrap}<wp:docPr id="99" name="s"/>'
        f"<wp:cNvGraphicFramePr/>{graphic}</wp:anchor></w:drawing>"
    )


def inline(graphic: str) -> str:
    return f'<w:drawing><wp:inline><wp:extent {EMU}/><wp:docPr id="98" name="i"/>{graphic}</wp:inline></w:drawing>'


def vml(style: str, inner: str = "") -> str:
    return f'<w:pict><v:rect style="{style}" fillcolor="#FFFFFF" stroked="f">{inner}</v:rect></w:pict>'


def add_to_clause(path, drawing: str) -> None:
    """Put a run holding the drawing in the paragraph of 出卖人应当双倍返还定金."""

    def change(parts):
        xml = parts["word/document.xml"].decode()
        m = re.search(r"<w:r>(?:(?!<w:r>).)*?双倍返还定金", xml)
        assert m, "the clause run"
        parts["word/document.xml"] = (xml[: m.start()] + f"<w:r>{drawing}</w:r>" + xml[m.start() :]).encode()

    rewrite(path, change)


HIDING = {
    "white rectangle over the text": anchor(RECT.format(fill="FFFFFF", box="")),
    "picture over the text": anchor(PIC),
    "text box over the text": anchor(RECT.format(fill="FFFFFF", box=BOX.format(text="出卖人应当返还定金"))),
    "black shape behind black text": anchor(RECT.format(fill="000000", box=""), behind="1"),
    "VML rectangle positioned over the text": vml("position:absolute;width:144pt;height:18pt;z-index:2"),
    "VML rectangle behind the text": vml("position:absolute;width:144pt;height:18pt;z-index:-1"),
    "shape with a VML fallback": (
        '<mc:AlternateContent><mc:Choice Requires="wps">'
        + anchor(RECT.format(fill="FFFFFF", box=""))
        + "</mc:Choice><mc:Fallback>"
        + vml("position:absolute;width:144pt;height:18pt")
        + "</mc:Fallback></mc:AlternateContent>"
    ),
}
BESIDE = {
    "picture in line": inline(PIC),
    "shape in line": inline(RECT.format(fill="FF0000", box="")),
    "picture with square wrapping": anchor(PIC, wrap='<wp:wrapSquare wrapText="bothSides"/>'),
    "VML shape in line": vml("width:144pt;height:18pt"),
}


@pytest.mark.parametrize("drawing", list(HIDING.values()), ids=list(HIDING))
def test_a_drawing_over_or_behind_the_text_is_doc_hidden(ws, doc, drawing):
    add_to_clause(doc, drawing)
    hidden = [f for f in api.check(ws, [doc]).findings if f.rule == "doc.hidden"]
    assert len([f for f in hidden if "可能遮盖正文" in f.message]) == 1, hidden
    assert "因出卖人的原因" in hidden[0].location


@pytest.mark.parametrize("drawing", list(BESIDE.values()), ids=list(BESIDE))
def test_a_drawing_in_line_or_wrapped_is_clause_altered(ws, doc, drawing):
    add_to_clause(doc, drawing)
    found = api.check(ws, [doc]).findings
    assert any(f.rule == "clause.altered" and "插入了模板中没有的" in f.message for f in found), found
    assert not any(f.rule == "doc.hidden" for f in found)


def test_a_clean_document_has_no_drawing_finding(ws, doc):
    assert api.check(ws, [doc]).findings == []
