"""Digital signatures on PDFs (PAdES/CMS) through pyHanko: signer, time, integrity, coverage, later changes."""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from toolkit.findings import Finding
from toolkit.read.filecache import file_bytes
from toolkit.rules import finding
from toolkit.textdiff import redline, show

T = TypeVar("T")


@dataclass(frozen=True)
class SignatureReport:
    """One embedded signature, as validated."""

    field: str
    signer: str
    signed_at: str
    intact: bool
    coverage: str  # ENTIRE_FILE, ENTIRE_REVISION, CONTIGUOUS_BLOCK_FROM_START, UNCLEAR
    modification: str  # NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS, OTHER
    trusted: bool


def signatures(path: Path) -> list[SignatureReport]:
    """Validate every signature embedded in a PDF (no network: revocation is not fetched)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    # An untrusted (self-made) certificate is reported as such below, not logged as an error with a traceback.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    with path.open("rb") as f, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pyHanko's own, about its internals
        reader = PdfFileReader(f, strict=False)
        return [
            _report(s, validate_pdf_signature(s, ValidationContext(allow_fetching=False)))
            for s in reader.embedded_signatures
        ]


def _report(sig, status) -> SignatureReport:
    cert = status.signing_cert
    when = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
    return SignatureReport(
        sig.field_name,
        cert.subject.human_friendly if cert is not None else "",
        when,
        bool(status.intact and status.valid),
        status.coverage.name if status.coverage else "UNCLEAR",
        status.modification_level.name if status.modification_level else "OTHER",
        bool(status.trusted),
    )


def has_signature(path: Path) -> bool:
    """Tell cheaply whether a PDF carries a signature dictionary."""
    try:
        data = file_bytes(path)
    except OSError:
        return False
    from toolkit.read.pdf import markers  # one pass over the bytes, shared with the reader's own checks

    return b"ByteRange" in markers(data) and b"/Sig" in data


def judge_signed_pdf(path: Path) -> tuple[list[SignatureReport], list[Finding]]:
    """Report a signed PDF's signatures and the findings they give."""
    name = path.name
    try:
        reports = signatures(path)
    except Exception as exc:  # a mangled signature or file structure: pyHanko raises many kinds
        return [], [finding("sign.invalid", f"{name}：电子签名无法验证（{type(exc).__name__}）", document=name)]
    out = []
    for r in reports:
        who = f"签名人 {r.signer}，签名时间 {r.signed_at or '未载明'}"
        if not r.intact:
            out.append(finding("sign.invalid", f"{name}：电子签名已损坏（{who}）", document=name, location=r.field))
        elif r.coverage not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
            out.append(
                finding("sign.invalid", f"{name}：电子签名未覆盖整个文件（{who}）", document=name, location=r.field)
            )
        elif r.coverage != "ENTIRE_FILE" and r.modification not in ("NONE", "LTA_UPDATES"):
            msg = f"{name}：签名后文件被改动（{r.modification}；{who}）：{changed_after_signing(path)}；检查的是签名时的版本"
            out.append(finding("sign.modified", msg, document=name, location=r.field))
    return reports, out


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def signed_revision(data: bytes) -> bytes | None:
    """Return the file as it was when its last signature was made, when something was appended since (else None)."""
    ends = [int(m[3]) + int(m[4]) for m in _BYTE_RANGE.finditer(data)]
    end = max(ends, default=0)
    return data[:end] if 0 < end < len(data.rstrip()) else None


def read_signed(path: Path, reader: Callable[[Path], T]) -> T | None:
    """Read the signed revision of a PDF updated after signing with `reader` (None: not signed, or not updated)."""
    if path.suffix.lower() != ".pdf" or not has_signature(path):
        return None
    revision = signed_revision(path.read_bytes())
    if revision is None:
        return None
    digest = hashlib.sha256(revision).hexdigest()[:16]
    kept = _revisions() / digest / path.name  # the same name, so what the reader reports names the file
    if not kept.is_file():
        kept.parent.mkdir(exist_ok=True)
        kept.write_bytes(revision)
    return reader(kept)  # kept while the process runs: later checks (emphasis, page images) read it by path


_KEPT: list[tempfile.TemporaryDirectory] = []


def _revisions() -> Path:
    """Return this process's folder of signed revisions, removed when the process ends."""
    if not _KEPT:
        _KEPT.append(tempfile.TemporaryDirectory(prefix="loupan-signed-"))
    return Path(_KEPT[0].name)


def changed_after_signing(path: Path) -> str:
    """Say what an update after signing changed in the text a reader sees, page by page ('' when nothing)."""
    revision = signed_revision(path.read_bytes())
    if revision is None:
        return ""
    before, after = _page_texts(revision), _page_texts(path.read_bytes())
    out = [f"增加第{n}页" for n in range(len(before) + 1, len(after) + 1)]
    out += [f"删去第{n}页" for n in range(len(after) + 1, len(before) + 1)]
    for n, (a, b) in enumerate(zip(before, after), start=1):
        if a != b:
            out.append(f"第{n}页文字：{show(redline(a, b), 20)}")
    return "；".join(out) or "可见文字未变（改动的是图形、图片或注释）"


def _page_texts(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return [re.sub(r"\s+", "", doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()
