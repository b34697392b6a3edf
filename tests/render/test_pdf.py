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


FAKE_SOFFICE = """#!{python}
import os, sys, time
args = sys.argv[1:]
profile = next(a for a in args if a.startswith("-env:UserInstallation="))
out = args[args.index("--outdir") + 1]
files = [a for a in args if a.endswith(".docx")]
start = time.time()
os.makedirs(out, exist_ok=True)
for f in files:
    time.sleep(0.2)
    with open(os.path.join(out, os.path.basename(f)[:-5] + ".pdf"), "w") as pdf:
        pdf.write(f)
with open({log!r}, "a") as log:
    log.write(f"{{profile}}|{{start}}|{{time.time()}}|{{','.join(os.path.basename(f) for f in files)}}\\n")
"""


def _fake_soffice(tmp_path, monkeypatch) -> Path:
    import sys

    log = tmp_path / "calls.log"
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log)), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("LOUPAN_SOFFICE", str(script))
    return log


def test_a_batch_is_split_across_processes_side_by_side_each_with_its_own_profile(tmp_path, monkeypatch):
    from toolkit.render.pdf import convert

    log = _fake_soffice(tmp_path, monkeypatch)
    files = []
    for i in range(6):
        files.append(tmp_path / f"doc{i}.docx")
        files[-1].write_bytes(b"")
    made = convert(files, tmp_path / "out", processes=3)
    assert [p.name for p in made] == [f"doc{i}.pdf" for i in range(6)]
    assert [p.read_text() for p in made] == [str(f.resolve()) for f in files]
    calls = [line.split("|") for line in log.read_text().splitlines()]
    assert len(calls) == 3 and len({c[0] for c in calls}) == 3, "one LibreOffice and one profile per lane"
    assert sorted(c[3] for c in calls) == ["doc0.docx,doc1.docx", "doc2.docx,doc3.docx", "doc4.docx,doc5.docx"]
    starts, ends = [float(c[1]) for c in calls], [float(c[2]) for c in calls]
    assert max(starts) < min(ends), "the processes ran side by side"


def test_each_lane_still_starts_libreoffice_once_per_chunk(tmp_path, monkeypatch):
    from toolkit.render.pdf import convert

    log = _fake_soffice(tmp_path, monkeypatch)
    files = [tmp_path / f"d{i}.docx" for i in range(5)]
    for f in files:
        f.write_bytes(b"")
    assert len(convert(files, tmp_path / "out", chunk=2, processes=1)) == 5
    assert [len(line.split("|")[3].split(",")) for line in log.read_text().splitlines()] == [2, 2, 1]


def test_documents_are_dealt_to_lanes_in_consecutive_runs_of_near_equal_length(monkeypatch):
    from toolkit.render import pdf

    assert pdf.deal_out(5, 2) == [[0, 1], [2, 3, 4]]
    assert pdf.deal_out(40, 3) == [list(range(0, 13)), list(range(13, 27)), list(range(27, 40))]
    assert pdf.deal_out(1, 4) == [[0]] and pdf.deal_out(0, 2) == []
    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 4)
    assert [pdf.default_processes(n) for n in (1, 3, 4, 40)] == [1, 1, 2, 4]
