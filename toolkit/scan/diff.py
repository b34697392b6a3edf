"""Difference of a registered scan and the printed page: ink added by hand, print taken away."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

INK = 150  # darker than this on the printed page is print
SOLID = 100  # print this dark must show on the scan...
TRACE = 215  # ...at least as this light a grey
TOLERANCE = 5  # px at 150 dpi (0.85 mm): print/scan blur and registration error are forgiven within it
EDGE = 24  # px (4 mm): printers leave this unprinted, nobody writes there, scans cut or shade it
MIN_AREA = 60  # px of ink: smaller specks are dust and noise
MERGE = 15  # px: strokes this close form one mark (a word, a number)


@dataclass(frozen=True)
class Blob:
    """One region that differs: its box in reference pixels, its ink, and whether ink was added or removed."""

    x: int
    y: int
    w: int
    h: int
    ink: int
    added: bool = True

    def box(self, pad: int = 0) -> tuple[int, int, int, int]:
        """Return (x0, y0, x1, y1), grown by pad pixels."""
        return self.x - pad, self.y - pad, self.x + self.w + pad, self.y + self.h + pad


def flatten(image: np.ndarray) -> np.ndarray:
    """Flatten uneven light (photos) by dividing by the paper's brightness around each pixel."""
    background = cv2.morphologyEx(image, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    return cv2.divide(image, np.maximum(background, 1), scale=255)


def print_ink(reference: np.ndarray) -> np.ndarray:
    """Binarise the printed page."""
    return (reference < INK).astype(np.uint8)


def differences(
    scan: np.ndarray, reference: np.ndarray, ignore: list[tuple[int, int, int, int]], edge: int = EDGE
) -> list[Blob]:
    """Return the marks on the scan not on the page, and the print missing from the scan."""
    flat = flatten(scan)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * TOLERANCE + 1, 2 * TOLERANCE + 1))
    near_print: np.ndarray = cv2.dilate(print_ink(reference), kernel)
    added = (flat < INK).astype(np.uint8) & (1 - near_print)
    # Print counts as gone only where solid print left not even a grey trace (thin rules blur to grey).
    solid = (reference < SOLID).astype(np.uint8)
    near_trace: np.ndarray = cv2.dilate((flat < TRACE).astype(np.uint8), kernel)
    removed = solid & (1 - near_trace)
    h, w = reference.shape
    # The paper's edge and what lies beyond it (scanner lid, the table under a photo) are not compared.
    ignore = [*ignore, (0, 0, w, edge), (0, h - edge, w, h), (0, 0, edge, h), (w - edge, 0, w, h)]
    for x0, y0, x1, y1 in ignore:
        added[max(y0, 0) : y1, max(x0, 0) : x1] = 0
        removed[max(y0, 0) : y1, max(x0, 0) : x1] = 0
    return _blobs(added, True, MIN_AREA) + _blobs(removed, False, 3 * MIN_AREA)


def _blobs(mask: np.ndarray, added: bool, least: int) -> list[Blob]:
    if added:  # speckle on the scan; print that went missing is thin strokes, kept as they are
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    joined = cv2.dilate(mask, np.ones((MERGE, MERGE), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        ink = int(mask[y : y + h, x : x + w][labels[y : y + h, x : x + w] == i].sum())
        if ink >= least:
            pad = MERGE // 2
            out.append(Blob(int(x + pad), int(y + pad), int(max(w - 2 * pad, 1)), int(max(h - 2 * pad, 1)), ink, added))
    return out
