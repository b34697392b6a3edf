"""OCR of one small crop (the fast test that exercises RapidOCR)."""

from __future__ import annotations

import numpy as np

from tests.scan import corpus
from toolkit.scan.ocr import read_region


def test_ocr_reads_a_handwritten_number_in_a_small_crop():
    img = np.full((120, 400), 255, np.uint8)
    corpus.handwrite(img, 20, 80, "52000")
    assert "52000" in read_region(img, (0, 0, 400, 120)).replace(" ", "")
