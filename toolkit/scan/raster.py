"""Page images: a PDF's pages through pypdfium2, photos and scans through OpenCV and Pillow (multi-page TIFF)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageSequence

from toolkit.scan.kind import IMAGE_SUFFIXES, MIN_TEXT_CHARS, is_image, pdf_has_text  # noqa: F401

DPI = 150


def render_pdf(path: Path, dpi: int = DPI) -> list[np.ndarray]:
    """Render every page of a PDF as a greyscale image."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return [_grey(doc[i].render(scale=dpi / 72, grayscale=True).to_numpy()) for i in range(len(doc))]
    finally:
        doc.close()


def load_pages(path: Path) -> list[np.ndarray]:
    """Return a scan's or photo's pages as greyscale images (a PDF of page images at 200 dpi)."""
    if path.suffix.lower() == ".pdf":
        return render_pdf(path, 200)
    with Image.open(path) as im:
        return [np.asarray(frame.convert("L")).copy() for frame in ImageSequence.Iterator(im)]


def _grey(arr: np.ndarray) -> np.ndarray:
    if arr.ndim == 3:
        return cv2.cvtColor(arr[:, :, :3], cv2.COLOR_RGB2GRAY)
    return np.ascontiguousarray(arr)
