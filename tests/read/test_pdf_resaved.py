"""A genuine PDF saved again by other programs checks clean, and what is hidden stays found when it is.

qpdf rewrites the file with compressed object streams or linearised; Ghostscript re-encodes every page (and
drops the provenance, so the document is named by its wording). Object streams also hide dictionary keys from
a look at the raw bytes: active content stored in one must still be found (the full parse, not the quick look).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from tests.conftest import require_tool
from tests.read.test_pdf_seen import append_content
from toolkit import api
from toolkit.read.pdf import plain_structure

pytestmark = pytest.mark.pdf


def qpdf(path: Path, *options: str) -> Path:
    out = path.with_name(path.stem + "-qpdf.pdf")
    subprocess.run([require_tool("qpdf", "qpdf"), *options, str(path), str(out)], check=True, timeout=60)
    return out


def findings(ws, path: Path):
    return api.check(ws, [path]).findings


@pytest.fixture
def copy(printed_pdf, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed_pdf.parent))
    return Path(shutil.copy(printed_pdf, tmp_path / printed_pdf.name))


@pytest.mark.parametrize("options", [("--object-streams=generate",), ("--linearize",)], ids=["objstm", "linear"])
def test_a_pdf_saved_again_by_qpdf_checks_clean(ws, copy, options):
    out = qpdf(copy, *options)
    assert findings(ws, out) == []


def test_a_pdf_saved_again_by_ghostscript_checks_clean(ws, copy):
    out = copy.with_name("gs.pdf")
    gs = require_tool("gs", "ghostscript")
    subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(copy)], check=True
    )
    (doc,) = api.check(ws, [out]).documents
    assert doc.findings == [] and doc.doc_id == "subscription"


def test_a_script_stored_in_an_object_stream_is_doc_active(ws, copy):
    writer = PdfWriter(clone_from=PdfReader(copy))
    js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")})
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(js)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    writer.write(copy)
    out = qpdf(copy, "--object-streams=generate", "--compress-streams=y")
    data = out.read_bytes()
    assert b"/JavaScript" not in data and not plain_structure(data)  # the key is compressed out of sight
    assert "doc.active" in {f.rule for f in findings(ws, out)}


def test_hidden_text_saved_again_with_object_streams_is_still_found(ws, copy):
    append_content(copy, 2, b"BT 3 Tr /FX9 10 Tf 100 100 Td (HIDDEN TEXT) Tj ET")
    out = qpdf(copy, "--object-streams=generate")
    assert "doc.hidden" in {f.rule for f in findings(ws, out) if f.severity == "error"}
