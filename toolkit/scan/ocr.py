"""OCR of small regions with RapidOCR (PP-OCR models ship in the wheel: nothing is downloaded)."""

from __future__ import annotations

import time
from functools import lru_cache

import numpy as np

PAD = 12  # px around a region: the recogniser wants some white around the strokes


@lru_cache(maxsize=1)
def engine():
    """Load the OCR engine once per process (about a second)."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


class Stopwatch:
    """Time spent in OCR, so a verdict can say which share of its time OCR took."""

    seconds = 0.0
    calls = 0


def read_region(image: np.ndarray, box: tuple[int, int, int, int]) -> str:
    """Return the text OCR reads inside box (x0, y0, x1, y1) of a greyscale page."""
    x0, y0, x1, y1 = box
    h, w = image.shape[:2]
    crop = image[max(y0 - PAD, 0) : min(y1 + PAD, h), max(x0 - PAD, 0) : min(x1 + PAD, w)]
    if crop.size == 0:
        return ""
    start = time.perf_counter()
    result, _ = engine()(np.ascontiguousarray(crop))
    Stopwatch.seconds += time.perf_counter() - start
    Stopwatch.calls += 1
    return "".join(text for _, text, _ in in_lines(result or []))


def in_lines(result: list) -> list:
    """Order OCR results by line, top to bottom, and left to right within a line (whatever their tops)."""
    rows: list[list] = []
    for r in sorted(result, key=_mid):
        height = max(p[1] for p in r[0]) - min(p[1] for p in r[0])
        if rows and abs(_mid(r) - _mid(rows[-1][0])) < 0.5 * height:
            rows[-1].append(r)
        else:
            rows.append([r])
    return [r for row in rows for r in _distinct(sorted(row, key=lambda r: min(p[0] for p in r[0])))]


def _distinct(row: list) -> list:
    """Trim the characters a box of a line shares with the box before it (ink read twice: 327.0 + 00)."""
    out: list = []
    for box, text, score in row:
        x0, x1 = min(p[0] for p in box), max(p[0] for p in box)
        overlap = max(p[0] for p in out[-1][0]) - x0 if out else 0
        k = int(overlap / (max(x1 - x0, 1) / max(len(text), 1)) + 0.25) if overlap > 0 else 0
        if text[k:]:
            out.append((box, text[k:], score))
    return out


def _mid(r) -> float:
    ys = [p[1] for p in r[0]]
    return (min(ys) + max(ys)) / 2
