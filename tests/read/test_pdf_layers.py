"""Optional-content layers: text in a layer hidden on screen, left off the paper or shown only when printing is
doc.hidden, whether the layer holds added words or the clause's own; a layer shown alike everywhere is seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from tests.read.glyph_tricks import _OP
from toolkit import api

pytestmark = pytest.mark.pdf
N = NameObject


def _ocg(writer: PdfWriter, usage: dict | None = None):
    ocg = DictionaryObject({N("/Type"): N("/OCG"), N("/Name"): TextStringObject("附加条款")})
    if usage:
        ocg[N("/Usage")] = DictionaryObject(
            {N(k): DictionaryObject({N(s): N(v) for s, v in states.items()}) for k, states in usage.items()}
        )
    return writer._add_object(ocg)


# (the default configuration, the layer's usage): how each construction keeps the layer from the reader
LAYERS = {
    "off-on-screen": ({"/OFF": True}, None),
    "base-state-off": ({"/BaseState": "/OFF"}, None),
    "not-printed": ({}, {"/Print": {"/PrintState": "/OFF"}}),
    "printed-only": ({"/OFF": True}, {"/Print": {"/PrintState": "/ON"}}),
    "view-state-off": ({}, {"/View": {"/ViewState": "/OFF"}}),
}


def with_layer(path: Path, layer: tuple, wrap_clause: bool = False, ocmd: bool = False) -> None:
    """Put added text (or the clause's own 双, when wrap_clause) into a layer configured as one of LAYERS."""
    writer = PdfWriter(clone_from=PdfReader(path))
    config, usage = layer
    ocg = _ocg(writer, usage)
    d = DictionaryObject({N("/Order"): ArrayObject([ocg])})
    if config.get("/OFF"):
        d[N("/OFF")] = ArrayObject([ocg])
    if "/BaseState" in config:
        d[N("/BaseState")] = N(config["/BaseState"])
    if usage and "/Print" in usage:
        event = DictionaryObject(
            {N("/Event"): N("/Print"), N("/OCGs"): ArrayObject([ocg]), N("/Category"): ArrayObject([N("/Print")])}
        )
        d[N("/AS")] = ArrayObject([event])
    writer._root_object[N("/OCProperties")] = DictionaryObject({N("/OCGs"): ArrayObject([ocg]), N("/D"): d})
    marked = ocg
    if ocmd:
        marked = writer._add_object(
            DictionaryObject({N("/Type"): N("/OCMD"), N("/OCGs"): ArrayObject([ocg]), N("/P"): N("/AllOn")})
        )
    page = next(p for p in writer.pages if "应当双倍返还" in p.extract_text().replace(" ", ""))
    resources = page["/Resources"].get_object()
    resources[N("/Properties")] = DictionaryObject({N("/MC9"): marked})
    data = page.get_contents().get_data()
    if wrap_clause:
        op = next(
            m
            for m in _OP.finditer(data)
            if m[3] == b"F1" and m[5] == b"56" and b"B1B2B3" in data[m.end() : m.end() + 80]
        )
        data = data[: op.start()] + b"/OC /MC9 BDC " + op[0] + b" EMC" + data[op.end() :]
    else:
        fonts = resources["/Font"].get_object()
        fonts[N("/FX9")] = DictionaryObject(
            {N("/Type"): N("/Font"), N("/Subtype"): N("/Type1"), N("/BaseFont"): N("/Helvetica")}
        )
        data += b"\n/OC /MC9 BDC BT /FX9 10 Tf 100 90 Td (SELLER BEARS NO LIABILITY) Tj ET EMC"
    stream = DecodedStreamObject()
    stream.set_data(data)
    page[N("/Contents")] = writer._add_object(stream)
    writer.write(path)


def findings(ws, path: Path):
    return api.check(ws, [path]).findings


@pytest.mark.parametrize("how", list(LAYERS))
def test_added_text_in_a_layer_not_shown_alike_is_doc_hidden(ws, pdf, how):
    with_layer(pdf, LAYERS[how])
    hidden = [f for f in findings(ws, pdf) if f.rule == "doc.hidden"]
    assert any("SELLERBEARSNOLIABILITY" in f.found.replace(" ", "") and "可选内容图层" in f.message for f in hidden)


@pytest.mark.parametrize("how", ["off-on-screen", "printed-only", "not-printed"])
def test_the_clause_s_own_words_in_a_hidden_layer_are_missing_and_hidden(ws, pdf, how):
    with_layer(pdf, LAYERS[how], wrap_clause=True)
    found = findings(ws, pdf)
    assert any(f.rule == "doc.hidden" and "双" in f.found for f in found)
    assert any(f.rule == "clause.altered" and "双倍" in f.expected and "双倍" not in f.found for f in found)


def test_a_membership_dictionary_is_taken_as_hidden(ws, pdf):
    with_layer(pdf, LAYERS["off-on-screen"], ocmd=True)
    assert any(f.rule == "doc.hidden" and "可选内容图层" in f.message for f in findings(ws, pdf))


def test_a_layer_shown_on_screen_and_on_paper_is_seen(ws, pdf):
    """The clause's own words in a layer shown everywhere: the document checks clean."""
    with_layer(pdf, ({}, None), wrap_clause=True)
    assert findings(ws, pdf) == []
