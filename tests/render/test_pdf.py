"""PDF through LibreOffice: required in CI (LOUPAN_REQUIRE_PDF=1), skipped with a reason elsewhere."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from toolkit import api
from toolkit.render.pdf import read_metadata

ROOT = Path(__file__).resolve().parents[2]
DEALS = sorted((ROOT / "examples" / "cuihu" / "deals").glob("*.yaml"))

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def pdf_out(tmp_path_factory, ws):
    from toolkit.render.pdf import find_soffice

    if not find_soffice():
        return None
    out = tmp_path_factory.mktemp("pdf")
    result = api.render(
        ws, deals=DEALS[:1], docs=["subscription", "contract", "procedure", "handbook"], out=out, pdf=True
    )
    return out, result


def _text(pdf: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_every_document_gets_a_pdf_in_one_batch(soffice, pdf_out):
    out, result = pdf_out
    assert result.notes == []
    assert all(d.pdf and d.pdf.is_file() for d in result.documents)
    assert len(list(out.glob("*.pdf"))) == 4


def test_the_pdf_carries_the_amounts_and_chinese_text(soffice, pdf_out):
    text = _text(pdf_out[0] / "CHY-2026-0001-contract.pdf").replace(" ", "").replace("\n", "")
    assert "7,154,424.00" in text and "人民币柒佰壹拾伍万肆仟肆佰贰拾肆元整" in text
    assert "商品房买卖合同" in text and "翠湖苑" in text


def test_the_pdf_carries_the_provenance(soffice, pdf_out, ws):
    meta = read_metadata(pdf_out[0] / "CHY-2026-0001-subscription.pdf")
    assert meta["/LoupanPack"] == "prc-presale"
    assert meta["/LoupanPackVersion"] == ws.pack.version
    assert meta["/LoupanDocumentId"] == "CHY-2026-0001-subscription"
    assert len(meta["/LoupanTemplateSha256"]) == 64 and len(meta["/LoupanInputSha256"]) == 64
    assert meta["/Title"] == "商品房认购书"


def test_the_pdf_embeds_a_cjk_font(soffice, pdf_out):
    fonts = subprocess.run(
        ["pdffonts", str(pdf_out[0] / "CHY-2026-0001-contract.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoSerifCJK" in fonts.replace(" ", "")


def test_without_libreoffice_the_docx_is_written_and_the_note_says_how_to_get_pdfs(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("LOUPAN_SOFFICE", "/nonexistent/soffice")
    result = api.render(ws, deals=DEALS[:1], docs=["subscription"], out=tmp_path, pdf=True)
    assert (tmp_path / "CHY-2026-0001-subscription.docx").is_file()
    assert not list(tmp_path.glob("*.pdf"))
    assert "apt-get install libreoffice" in result.notes[0]
