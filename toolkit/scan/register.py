"""Register a scanned page on the printed page: ORB features, ratio test, RANSAC homography."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FEATURES = 6000
MIN_INLIERS = 60
WORK_WIDTH = 1240  # features are found at about 150 dpi whatever the scan's resolution


@dataclass
class Registration:
    """The scan warped into the printed page's frame, and how well it fitted."""

    image: np.ndarray | None
    inliers: int
    scale: float  # scan pixels per printed-page pixel (2.0 = a scan at twice the reference resolution)
    error: float  # median reprojection error of the inliers, in reference pixels

    @property
    def ok(self) -> bool:
        """Tell whether the homography is trustworthy."""
        return self.image is not None and self.inliers >= MIN_INLIERS and self.error < 2.5


def register(scan: np.ndarray, reference: np.ndarray) -> Registration:
    """Find the homography taking the scan onto the reference and warp the scan with it."""
    shrink = min(1.0, WORK_WIDTH / scan.shape[1])
    small = cv2.resize(scan, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA) if shrink < 1 else scan
    orb = cv2.ORB_create(  # type: ignore[attr-defined]  # in OpenCV's module, not in its stubs
        nfeatures=FEATURES, scaleFactor=1.2, nlevels=8, fastThreshold=10
    )
    kr, dr = orb.detectAndCompute(reference, None)
    ks, ds = orb.detectAndCompute(small, None)
    if dr is None or ds is None or len(kr) < MIN_INLIERS or len(ks) < MIN_INLIERS:
        return Registration(None, 0, 0.0, 99.0)
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(ds, dr, k=2)
    good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < 0.8 * n.distance]
    if len(good) < MIN_INLIERS:
        return Registration(None, len(good), 0.0, 99.0)
    src = np.float32([ks[m.queryIdx].pt for m in good]) / shrink  # type: ignore[arg-type]  # an array of points:
    dst = np.float32([kr[m.trainIdx].pt for m in good])  # type: ignore[arg-type]  # numpy's stubs say scalar
    h, mask = cv2.findHomography(src, dst, cv2.RANSAC, 3.0, maxIters=5000, confidence=0.999)
    if h is None:
        return Registration(None, 0, 0.0, 99.0)
    inl = mask.ravel().astype(bool)
    if inl.sum() < MIN_INLIERS:  # (too few to trust; none at all gives no reprojection)
        return Registration(None, int(inl.sum()), 0.0, 99.0)
    err = float(np.median(np.linalg.norm(cv2.perspectiveTransform(src[inl][None], h)[0] - dst[inl], axis=1)))
    warped = cv2.warpPerspective(
        scan, h, (reference.shape[1], reference.shape[0]), flags=cv2.INTER_AREA, borderValue=255
    )
    return Registration(warped, int(inl.sum()), _scale(h), err)


def _scale(h: np.ndarray) -> float:
    """Return how many scan pixels map onto one reference pixel near the page centre."""
    inv = np.linalg.inv(h)
    pts = cv2.perspectiveTransform(np.float32([[[600, 800], [700, 800]]]), inv)[0]  # type: ignore[arg-type]  # (as above)
    return float(np.linalg.norm(pts[1] - pts[0]) / 100)
