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
