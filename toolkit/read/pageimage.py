"""Pages as a reader sees them: a PDF page rasterised through pypdfium2 (annotations drawn, crop box applied)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

INK = 40  # grey levels between the lightest and darkest pixel under a glyph for it to show


def render_page(page: pdfium.PdfPage, dpi: float = 72, grey: bool = True) -> np.ndarray:
    """Rasterise a page at a dpi as a numpy array (grey levels, or RGB), annotations and forms drawn."""
    bitmap = page.render(scale=dpi / 72, may_draw_forms=True, draw_annots=True, grayscale=grey)
    array = bitmap.to_numpy()
    return array[..., 0] if grey and array.ndim == 3 else array


def render_file(path: Path, index: int, dpi: float = 72) -> np.ndarray:
    """Rasterise one page (0-based) of a PDF file."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return render_page(doc[index], dpi)
    finally:
        doc.close()


def shows_ink(image: np.ndarray, box: tuple[float, float, float, float], crop, dpi: float) -> bool:
    """Tell whether a glyph box (page points: left, bottom, right, top) has any ink in a rendered page."""
    left, bottom, right, top = box
    x0, y0, _, y1 = crop
    scale = dpi / 72
    px0, px1 = int((left - x0) * scale), int((right - x0) * scale + 1)
    py0, py1 = int((y1 - top) * scale), int((y1 - bottom) * scale + 1)
    h, w = image.shape[:2]
    px0, px1, py0, py1 = max(px0, 0), min(px1, w), max(py0, 0), min(py1, h)
    if px1 <= px0 or py1 <= py0:
        return False
    patch = image[py0:py1, px0:px1]
    return int(patch.max()) - int(patch.min()) >= INK
