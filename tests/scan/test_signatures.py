"""Digitally signed PDFs (throwaway certificate made here): intact, broken, modified after signing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from toolkit.scan.judge import electronic
from toolkit.scan.pdfsig import judge_signed_pdf


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    """Make a self-signed certificate and key for a buyer."""
    d = tmp_path_factory.mktemp("cert")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "张伟")])
    now = dt.datetime.now(dt.timezone.utc)
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = serialization.PrivateFormat.PKCS8
    (d / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, pem, serialization.NoEncryption()))
    (d / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return signers.SimpleSigner.load(str(d / "k.pem"), str(d / "c.pem"))


@pytest.fixture
def signed(tmp_path, first, signer):
    """Sign the printed 认购书."""
    with first.open("rb") as f:
        out = signers.sign_pdf(
            IncrementalPdfFileWriter(f, strict=False), signers.PdfSignatureMetadata("Sig1"), signer=signer
        )
    path = tmp_path / first.name
    path.write_bytes(out.getvalue())
    return path


def test_an_intact_signature_gives_no_finding_and_reports_signer_time_coverage(signed):
    reports, findings = judge_signed_pdf(signed)
    assert findings == []
    (r,) = reports
    assert "张伟" in r.signer and r.signed_at[:4] == str(dt.date.today().year)
    assert r.intact and r.coverage == "ENTIRE_FILE" and not r.trusted


def test_changed_bytes_are_sign_invalid(signed):
    data = bytearray(signed.read_bytes())
    at = data.find(b"stream", 2000) + 40
    data[at] ^= 0x20
    signed.write_bytes(bytes(data))
    assert [f.rule for f in judge_signed_pdf(signed)[1]] == ["sign.invalid"]


def test_content_added_after_signing_is_sign_modified(signed, tmp_path):
    with signed.open("rb") as f:
        w = IncrementalPdfFileWriter(f, strict=False)
        w.add_stream_to_page(0, w.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 50 re f")))
        later = tmp_path / "later.pdf"
        with later.open("wb") as g:
            w.write(g)
    assert [f.rule for f in judge_signed_pdf(later)[1]] == ["sign.modified"]


def test_unsigned_electronic_copy_follows_the_policy(first, ws):
    assert electronic(first, ws.policy) == []
    paper = dataclasses.replace(ws.policy, data={**ws.policy.data, "signing": {"accept_unsigned_electronic": False}})
    assert [f.rule for f in electronic(first, paper)] == ["sign.missing"]


def _add_text_after_signing(signed, out):
    with signed.open("rb") as f:
        w = IncrementalPdfFileWriter(f, strict=False)
        font = w.add_object(
            generic.DictionaryObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/Font"),
                    generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                    generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
                }
            )
        )
        resources = generic.DictionaryObject(
            {generic.NameObject("/Font"): generic.DictionaryObject({generic.NameObject("/FLP"): font})}
        )
        text = b"BT /FLP 14 Tf 150 420 Td (PRICE 4800000) Tj ET"
        w.add_stream_to_page(0, w.add_object(generic.StreamObject(stream_data=text)), resources=resources)
        with out.open("wb") as g:
            w.write(g)
    return out


def test_a_drawing_added_after_signing_is_reported_as_not_changing_the_text(signed, tmp_path):
    with signed.open("rb") as f:
        w = IncrementalPdfFileWriter(f, strict=False)
        w.add_stream_to_page(0, w.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 50 re f")))
        later = tmp_path / "later.pdf"
        with later.open("wb") as g:
            w.write(g)
    (f,) = judge_signed_pdf(later)[1]
    assert "可见文字未变" in f.message and "签名时的版本" in f.message


def test_text_added_after_signing_is_named_and_the_signed_revision_is_what_is_checked(signed, tmp_path, ws):
    from toolkit import api

    (tmp_path / "later").mkdir()
    later = _add_text_after_signing(signed, tmp_path / "later" / signed.name)
    (f,) = judge_signed_pdf(later)[1]
    assert f.rule == "sign.modified" and "第1页文字" in f.message and "4800000" in f.message
    result = api.check(ws, [later])
    assert {x.rule for x in result.findings if x.severity == "error"} == {"sign.modified"}
    assert any(x.rule == "sign.unapproved" for x in result.findings)  # no approval on record for it


def test_the_signed_revision_is_none_for_a_file_not_updated(signed, first):
    from toolkit.scan.pdfsig import signed_revision

    assert signed_revision(signed.read_bytes()) is None and signed_revision(first.read_bytes()) is None


def test_an_intact_signed_pdf_checks_clean_through_loupan_check(signed, ws):
    from toolkit import api

    result = api.check(ws, [signed])
    assert [f.rule for f in result.findings if f.severity == "error"] == []
