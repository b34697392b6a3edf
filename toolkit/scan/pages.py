"""Identify scanned pages by their QR code, and find the printed PDF they came from."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import zxingcpp

from toolkit.render.marks import MARKED, Mark, page_hash, parse_payload
from toolkit.render.pdf import read_metadata

_LABEL = re.compile(r"\S+ \S+ \S+ p\.\d+/\d+ [0-9A-F]{6}")
SCRIPT_SUFFIXES = ("", "-hant")  # render/batch.py names a document rendered in traditional script `-hant`
PRINTED_ENV = "LOUPAN_PRINTED"  # extra folders (os.pathsep-separated) where printed PDFs are kept


@dataclass
class ScanPage:
    """One page image of a scan or photo, with what its QR code says (None when unreadable)."""

    source: str  # file name and page within it, for messages
    image: np.ndarray
    mark: Mark | None
    how: str = ""  # how the page was identified, when not by its own code


def identify(source: str, image: np.ndarray) -> ScanPage:
    """Read the page's QR code; try the bottom-right quarter enlarged when the whole page gives none."""
    mark = _read(image)
    if mark is None:
        h, w = image.shape
        corner = cv2.resize(image[h // 2 :, w // 2 :], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        mark = _read(corner)
    return ScanPage(source, image, mark)


def _read(image: np.ndarray) -> Mark | None:
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):  # type: ignore[arg-type]  # one format where the stubs ask for a set:
        mark = parse_payload(result.text)
        if mark is not None:
            return mark
    return None


def find_printed(document_id: str, near: list[Path], hashes: set[str] | None = None) -> Path | None:
    """Find the printed (marked) PDF of a document beside the scan, under its folders or in LOUPAN_PRINTED.

    It is named `<id>.pdf`, or `<id>-hant.pdf` when printed in traditional script; when both are on record,
    the one whose pages' text hashes are those the scan's codes carry is the one that was printed.
    """
    folders = [*near, *(Path(p) for p in os.environ.get(PRINTED_ENV, "").split(os.pathsep) if p)]
    wanted = {f"{document_id.lower()}{suffix}.pdf" for suffix in SCRIPT_SUFFIXES}
    found = [
        pdf
        for folder in folders
        for pdf in (sorted(folder.rglob("*.pdf")) if folder.is_dir() else [])
        if pdf.name.lower() in wanted and _is_marked(pdf)
    ]
    if len(found) > 1 and hashes:
        return next((pdf for pdf in found if hashes <= set(printed_hashes(pdf))), found[0])
    return found[0] if found else None


def _is_marked(pdf: Path) -> bool:
    return read_metadata(pdf).get(MARKED) == "1"


def printed_hashes(pdf: Path) -> list[str]:
    """Return the text hash of each page of the printed PDF, its mark label taken out."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return [page_hash(_LABEL.sub("", t)) for t in texts]
