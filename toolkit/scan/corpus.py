"""Build signed scans for the tests, the bench and the demo: signatures and a seal in the places, alterations, scanner damage."""

from __future__ import annotations

import cv2
import numpy as np

from toolkit.scan.places import Place

K = 150 / 72  # PDF points → pixels at 150 dpi


def to_px(rect, height_pt: float) -> tuple[int, int, int, int]:
    """Convert a PDF rectangle (left, bottom, right, top) to pixels (x0, y0, x1, y1)."""
    left, bottom, right, top = rect
    return int(left * K), int((height_pt - top) * K), int(right * K), int((height_pt - bottom) * K)


def signature(img: np.ndarray, box, seed: int) -> None:
    """Write a scrawl like a hand signature across the left part of a place's line."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = box
    mid = (y0 + y1) // 2
    xs = np.linspace(x0 + 30, x0 + 200, 40)
    ys = mid + 10 * np.sin(np.linspace(0, 9, 40)) + rng.normal(0, 2, 40)
    cv2.polylines(img, [np.int32(np.c_[xs, ys])], False, 20, 3, cv2.LINE_AA)


def stamp(img: np.ndarray, box) -> None:
    """Press a round seal (red ink, which a greyscale scan turns mid-grey) over the seller's line."""
    x0, y0, x1, y1 = box
    centre = (x0 + 140, (y0 + y1) // 2)
    cv2.circle(img, centre, 110, 90, 5, cv2.LINE_AA)
    cv2.drawMarker(img, centre, 90, cv2.MARKER_CROSS, 40, 4)
    cv2.ellipse(img, centre, (80, 80), 0, 200, 340, 90, 3)


def sign_all(pages: list[np.ndarray], places: list[Place], height_pt: float, skip: str = "") -> None:
    """Sign and stamp every place except `skip`."""
    for i, pl in enumerate(places):
        if pl.name == skip:
            continue
        img = pages[pl.page - 1]
        if pl.kind == "stamp":
            stamp(img, to_px(pl.core, height_pt))
        else:
            signature(img, to_px(pl.core, height_pt), i)


def handwrite(img: np.ndarray, x: int, y: int, text: str, scale: float = 1.2) -> None:
    """Write digits and Latin letters by hand (Hershey script font)."""
    cv2.putText(img, text, (x, y), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, scale, 30, 2, cv2.LINE_AA)


def strike(img: np.ndarray, x0: int, x1: int, y: int) -> None:
    """Strike through printed text with a pen line."""
    cv2.line(img, (x0, y), (x1, y + 2), 25, 3, cv2.LINE_AA)


def degrade(img: np.ndarray, seed: int, angle: float = 1.5, quality: int = 60) -> np.ndarray:
    """Scan it: rotate, blur, add noise, JPEG-compress."""
    rng = np.random.default_rng(seed)
    img = cv2.copyMakeBorder(img, 30, 30, 30, 30, cv2.BORDER_CONSTANT, value=235)  # the scanner bed
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(img, m, (w, h), borderValue=235)
    out = cv2.GaussianBlur(out, (3, 3), 0.8)
    out = np.clip(out + rng.normal(0, 6, out.shape), 0, 255).astype(np.uint8)
    return np.asarray(cv2.imdecode(cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], 0))


def photograph(img: np.ndarray, seed: int) -> np.ndarray:
    """Photograph it: perspective, uneven light, a larger frame, then JPEG."""
    h, w = img.shape
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = np.array([[60, 40], [w + 20, 80], [w - 10, h + 60], [30, h + 20]], np.float32)
    out = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w + 80, h + 120), borderValue=120)
    yy, xx = np.mgrid[0 : out.shape[0], 0 : out.shape[1]]
    light = 0.75 + 0.25 * (xx / out.shape[1]) * (1 - 0.3 * yy / out.shape[0])
    out = np.clip(out * light, 0, 255).astype(np.uint8)
    return degrade(out, seed, angle=-0.8, quality=70)


def save_pdf(pages: list[np.ndarray], path) -> None:
    """Write page images as a PDF without a text layer, the way a copier's scan-to-folder does (200 dpi)."""
    from PIL import Image

    ims = [Image.fromarray(cv2.resize(p, None, fx=200 / 150, fy=200 / 150)) for p in pages]
    ims[0].save(path, save_all=True, append_images=ims[1:], resolution=200)


def alter_amount(pages: list[np.ndarray], page: int = 3, span=(400, 560, 700), new: str = "60000") -> None:
    """Strike through a printed amount (pixels x0, x1 at height y) and write a new one above it."""
    x0, x1, y = span
    strike(pages[page - 1], x0, x1, y)
    handwrite(pages[page - 1], x0 + 20, y - 20, new)


def scan_pdf(pages: list[np.ndarray], path) -> None:
    """Scan the pages (mild rotation, blur, noise) into an image-only PDF."""
    save_pdf([degrade(p, i) for i, p in enumerate(pages)], path)
