"""Tell a scan or photo from an electronic document, and judge an electronic one as a signed copy.

Kept apart from `judge` so that checking an ordinary DOCX or text PDF does not import OpenCV and OCR.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.domain.policy import Policy
from toolkit.findings import Finding
from toolkit.read.filecache import file_bytes
from toolkit.rules import finding

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
MIN_TEXT_CHARS = 20  # a PDF page with fewer extractable characters is a page image


def is_image(path: Path) -> bool:
    """Tell whether a file is a photo or a scan by its extension."""
    return path.suffix.lower() in IMAGE_SUFFIXES


def pdf_has_text(path: Path) -> bool:
    """Tell whether a PDF has a text layer (a rendered PDF) rather than page images (a scan)."""
    from toolkit.read.pdf import opened  # kept open: the reader that comes next loads no page again

    pdf = opened(file_bytes(Path(path)))
    return any(pdf.page(i)[1].count_chars() >= MIN_TEXT_CHARS for i in range(len(pdf)))


def is_scan(path: Path) -> bool:
    """Tell whether a file is a photo, a scan image or a PDF of page images."""
    if is_image(path):
        return True
    try:
        return path.suffix.lower() == ".pdf" and not pdf_has_text(path)
    except Exception:  # a broken PDF is the reader's to report (doc.unreadable)
        return False


def scan_pages(path: Path) -> int:
    """Return how many page images a scan or photo file holds (0 for an electronic document or a broken file)."""
    try:
        if is_image(path):
            from PIL import Image

            with Image.open(path) as im:  # reads the header only
                return int(getattr(im, "n_frames", 1))
        if path.suffix.lower() == ".pdf" and not pdf_has_text(path):
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(str(path))
            try:
                return len(doc)
            finally:
                doc.close()
    except Exception:  # the worker reports a file it cannot open; its limit is the base one
        return 0
    return 0


def signed_text(path: Path, reader):
    """Read the signed revision of a PDF updated after signing (None otherwise): that is the text checked."""
    if path.suffix.lower() != ".pdf":
        return None
    from toolkit.scan.pdfsig import read_signed

    return read_signed(path, reader)


def electronic(path: Path, policy: Policy) -> list[Finding]:
    """Judge an electronic DOCX or PDF as a signed copy: its digital signatures, or the policy on unsigned ones."""
    if path.suffix.lower() == ".pdf":
        from toolkit.scan.pdfsig import has_signature, judge_signed_pdf  # PDFs only: a DOCX check skips it

        if has_signature(path):
            return judge_signed_pdf(path)[1]
    if policy.data.get("signing", {}).get("accept_unsigned_electronic", True):
        return []
    msg = f"{path.name}：未经电子签名的电子文件不能作为签署件（本项目政策要求纸质签署件的扫描件或电子签名文件）"
    return [finding("sign.missing", msg, document=path.name)]
