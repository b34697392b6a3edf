"""Page images: a PDF's pages through pypdfium2, photos and scans through OpenCV and Pillow (multi-page TIFF)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageSequence

DPI = 150
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
MIN_TEXT_CHARS = 20  # a PDF page with fewer extractable characters is a page image


def is_image(path: Path) -> bool:
    """Tell whether a file is a photo or a scan by its extension."""
    return path.suffix.lower() in IMAGE_SUFFIXES


def pdf_has_text(path: Path) -> bool:
    """Tell whether a PDF has a text layer (a rendered PDF) rather than page images (a scan)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return any(doc[i].get_textpage().count_chars() >= MIN_TEXT_CHARS for i in range(len(doc)))
    finally:
        doc.close()


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
