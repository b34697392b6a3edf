"""The scan corpus of the tests: the builders live in toolkit.scan.corpus (shared with the demo and the bench)."""

from __future__ import annotations

import numpy as np

from toolkit.scan.corpus import (  # noqa: F401  (re-exported for the tests)
    K,
    alter_amount,
    degrade,
    handwrite,
    photograph,
    save_pdf,
    scan_pdf,
    sign_all,
    signature,
    stamp,
    strike,
    to_px,
)


def render_other(printed) -> list[np.ndarray]:
    """Return the page images of the second deal's printed 认购书."""
    from toolkit.scan.raster import render_pdf

    return render_pdf(sorted(printed.glob("*-subscription.pdf"))[1])
