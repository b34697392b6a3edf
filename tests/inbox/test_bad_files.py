"""At least 25 bad files dropped at once: each quarantined with a clear reason, the inbox still running."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from toolkit import api

BOMB_SIZE = 60 * 1024 * 1024


def _zip(entries: dict[str, bytes], *, flag_encrypted: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    data = buf.getvalue()
    if flag_encrypted:  # set the 'encrypted' bit of every entry's local and central header
        data = data.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00")
        data = data.replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00")
    return data


def _docx_with(document_xml: bytes) -> bytes:
    types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>'
    return _zip({"[Content_Types].xml": types, "word/document.xml": document_xml})


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("word/document.xml", "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(BOMB_SIZE >> 20):
                f.write(chunk)
    return buf.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&lol4;</w:t></w:r></w:p></w:body></w:document>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&e;</w:t></w:r></w:p></w:body></w:document>"
)


def _pdf_blank() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _pdf_encrypted(source: Path) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def bad_files(documents: Path, pdf: bytes) -> dict[str, bytes]:
    """Return name -> content of every kind of bad file the inbox must quarantine."""
    good_docx = (documents / "CHY-2026-0002-subscription.docx").read_bytes()
    deep = b"<a>" * 300_000 + b"</a>" * 300_000
    return {
        "empty.docx": b"",
        "empty.pdf": b"",
        "truncated.docx": good_docx[: len(good_docx) // 2],
        "truncated-tail.docx": good_docx[:-30],
        "truncated.pdf": pdf[: len(pdf) // 2],
        "bomb.docx": _bomb(),
        "laughs.docx": _docx_with(LAUGHS),
        "xxe.docx": _docx_with(XXE),
        "deep-nesting.docx": _docx_with(deep),
        "not-xml.docx": _docx_with(b"<w:document><unclosed"),
        "no-document-part.docx": _zip({"hello.txt": b"hi"}),
        "xlsx-in-disguise.docx": _zip({"xl/workbook.xml": b"<x/>"}),
        "encrypted-entry.docx": _zip({"word/document.xml": b"x"}, flag_encrypted=True),
        "encrypted.pdf": pdf,
        "blank-page.pdf": _pdf_blank(),
        "pdf-named.docx": pdf + b"\n",
        "docx-named.pdf": good_docx,
        "notes.txt": "备注".encode(),
        "program.exe": b"MZ\x90\x00" * 100,
        "random.pdf": b"%PDF" + bytes(range(256)) * 40,
        "random.docx": b"PK" + bytes(range(256)) * 40,
        "gzip.docx": b"\x1f\x8b\x08\x00" + b"\x00" * 100,
        "huge.pdf": b"%PDF-1.4\n" + b"0" * (3 << 20) + b"\n%%EOF",
        "\u202eexe.pdf": b"garbage",
        "é\u0301\u0327名字.docx": b"PK\x05\x06" + b"\x00" * 18,
        "😀🏠认购书.pdf": b"%PDF-1.4 nothing here",
        ("长" * 70) + ".docx": b"not a zip",
        "no-extension": good_docx,
        "line\nbreak.pdf": b"%PDF-\n",
    }


@pytest.mark.slow
def test_every_bad_file_is_quarantined_with_a_reason(documents, inbox_env, tmp_path):
    cfg, inbox, filed = inbox_env
    cfg.max_size = 2 * 1024 * 1024
    pdf = _pdf_encrypted(_render_pdf_or_blank(documents, tmp_path))
    files = bad_files(documents, pdf)
    assert len(files) >= 25
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    api.ingest(cfg, log=lambda _: None)
    reports = {}
    for path in (filed / "quarantine").glob("*.report.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        reports[data["file"]] = data
    assert set(reports) == set(files), set(files) ^ set(reports)
    for name, report in reports.items():
        assert report["reasons"] and report["reasons"][0]["message"].strip(), name
    assert list(inbox.iterdir()) == []
    assert (filed / "accepted").is_dir() and not list((filed / "rejected").glob("*.report.json"))
    # the inbox still works after all that
    (inbox / "good.docx").write_bytes((documents / "CHY-2026-0001-subscription.docx").read_bytes())
    api.ingest(cfg, log=lambda _: None)
    assert any(p.name.endswith("__good.docx") for p in (filed / "accepted").iterdir())


def _render_pdf_or_blank(documents: Path, tmp_path: Path) -> Path:
    """An encrypted PDF needs some PDF to encrypt: a blank one does when LibreOffice is absent."""
    path = tmp_path / "plain.pdf"
    path.write_bytes(_pdf_blank())
    return path


def test_a_file_over_the_time_limit_is_quarantined_and_the_next_one_is_checked(documents, inbox_env):
    cfg, inbox, filed = inbox_env
    cfg.time_limit = 0.001
    (inbox / "slow.docx").write_bytes((documents / "CHY-2026-0001-contract.docx").read_bytes())
    api.ingest(cfg, log=lambda _: None)
    (report,) = [json.loads(p.read_text()) for p in (filed / "quarantine").glob("*.report.json")]
    assert "时限" in report["reasons"][0]["message"]
    cfg.time_limit = 60
    (inbox / "next.docx").write_bytes((documents / "CHY-2026-0002-subscription.docx").read_bytes())
    api.ingest(cfg, log=lambda _: None)
    assert any(p.name.endswith("__next.docx") for p in (filed / "accepted").iterdir())
