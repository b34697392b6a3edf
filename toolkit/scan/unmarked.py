"""Pages without a readable QR code, found among the printed pages by their image.

A page whose code is torn off or covered is registered on each printed page not yet accounted for; the one
it fits best (most RANSAC inliers, clearly more than the next, and its ink agreeing with the printed page's)
is the page it is, and it is then compared image to image like any other. A page that fits none (printed
from the DOCX, laid out differently) is checked at text level (`textlevel`, `bytext`).
"""

from __future__ import annotations

import cv2
import numpy as np

from toolkit.scan.diff import INK, TOLERANCE, flatten, print_ink
from toolkit.scan.register import register

# share of the ink both ways a page placed by image must agree in: a genuine scan 0.99, one with struck and added
# lines 0.92; the DOCX printed with other margins, registered on the same page by its title, 0.87 (then 0.69 and
# less). A page left unplaced is still checked, at text level; one placed wrongly is reported altered throughout.
SAME_PRINT = 0.90
CLEAR_LEAD = 1.5  # the best printed page must fit with this many times the inliers of the next best


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
    foot = int(0.9 * ink.shape[0])  # the footer and the print mark (torn off with the code) are not compared
    scan_ink[foot:], ink[foot:] = 0, 0
    near_scan: np.ndarray = cv2.dilate(scan_ink, kernel)
    near_print: np.ndarray = cv2.dilate(ink, kernel)
    shown = float((ink & near_scan).sum() / max(int(ink.sum()), 1))
    printed = float((scan_ink & near_print).sum() / max(int(scan_ink.sum()), 1))
    return min(shown, printed)
