"""Pages without a readable QR code: found among the printed pages by their image, or named by OCR of the wording.

When the other pages' codes name the document, a page whose code is torn off or covered is registered on
each printed page not yet accounted for; the one it fits best (most RANSAC inliers, clearly more than the
next) is the page it is, and it is then compared image to image like any other. A page that fits none (a
page printed from the DOCX, laid out differently, or of another document) is OCR'd in a band at the top of
its body and the text matched against the pack's wording, so the report can say what it seems to be; it is
still `scan.unreadable`, because nothing that could not be compared with what was printed is accepted.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from toolkit.pack.clauses import _walk
from toolkit.pack.manifest import Pack
from toolkit.scan import ocr
from toolkit.scan.diff import INK, TOLERANCE, flatten, print_ink
from toolkit.scan.register import register
from toolkit.scan.where import WINDOW, _clause, _fixed
from toolkit.text import normalize

SAME_PRINT = 0.88  # share of the ink both ways a page placed by image must agree in (a genuine scan: 0.95 and more)
CLEAR_LEAD = 1.5  # the best printed page must fit with this many times the inliers of the next best
BAND = (0.08, 0.07, 0.92, 0.30)  # left, top, right, bottom of the page read by OCR (fractions of the page)
MIN_WINDOWS = 3  # windows of fixed wording a document must hold to be named


def place_by_image(image: np.ndarray, refs: list[np.ndarray], candidates: list[int]) -> int | None:
    """Return the printed page (1-based) the image fits clearly best among the candidates, or None."""
    fits = []
    for n in candidates:
        reg = register(image, refs[n - 1])
        if reg.ok and reg.image is not None:
            fits.append((reg.inliers, n, reg.image))
    fits.sort(key=lambda f: -f[0])
    if not fits or (len(fits) > 1 and fits[0][0] < CLEAR_LEAD * fits[1][0]):
        return None
    inliers, n, warped = fits[0]
    return n if agreement(warped, refs[n - 1]) >= SAME_PRINT else None


def agreement(scan: np.ndarray, reference: np.ndarray) -> float:
    """Return the share of the printed page's ink that the registered scan has within the tolerance.

    A page laid out otherwise (printed from the DOCX with other margins) can still register on a printed
    page by its running header and title: its lines then fall between the printed ones.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * TOLERANCE + 1, 2 * TOLERANCE + 1))
    scan_ink, ink = (flatten(scan) < INK).astype(np.uint8), print_ink(reference)
    shown = float((ink & cv2.dilate(scan_ink, kernel)).sum() / max(int(ink.sum()), 1))
    printed = float((scan_ink & cv2.dilate(ink, kernel)).sum() / max(int(scan_ink.sum()), 1))
    return min(shown, printed)


def name_by_wording(image: np.ndarray, pack: Pack) -> str:
    """OCR a band at the top of the page and say which document and clause its wording is ('' when none)."""
    h, w = image.shape[:2]
    box = (int(w * BAND[0]), int(h * BAND[1]), int(w * BAND[2]), int(h * BAND[3]))
    text = ocr.read_region(image, box)
    best = max(
        ((*scores(text, pack, doc), doc) for doc in pack.docs_per("deal")),
        key=lambda r: r[1],
        default=("", 0, ""),
    )
    clause, score, doc = best
    if score < MIN_WINDOWS:
        return ""
    return f"文字识别为{pack.documents[doc].title}（条款 {clause} 附近）"


def scores(text: str, pack: Pack, doc: str) -> tuple[str, int]:
    """Return the clause of a document whose fixed wording holds the most windows of the text, and how many."""
    segments = list(_walk(pack.compiled_for(doc).nodes))
    flat = re.sub(r"[\s\d]", "", normalize(text))
    fixed = [(_clause(segments, i), re.sub(r"\s", "", normalize(_fixed(s)))) for i, s in enumerate(segments)]
    counts: dict[str, int] = {}
    for start in range(0, max(len(flat) - WINDOW, 0) + 1):
        window = flat[start : start + WINDOW]
        hit = next((c for c, wording in fixed if c and len(window) == WINDOW and window in wording), "")
        if hit:
            counts[hit] = counts.get(hit, 0) + 1
    if not counts:
        return "", 0
    clause = max(counts, key=lambda c: counts[c])
    return clause, sum(counts.values())
