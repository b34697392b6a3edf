"""A rendered, marked deal (two deals' 认购书) to scan, sign and alter in the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_soffice
from toolkit import api
from toolkit.scan.places import declared, locate
from toolkit.scan.raster import render_pdf

ROOT = Path(__file__).resolve().parents[2]
DEALS = sorted((ROOT / "examples" / "cuihu" / "deals").glob("*.yaml"))[:2]


@pytest.fixture(scope="session")
def printed(tmp_path_factory, ws):
    """Render and mark the 认购书 of two deals; return the folder of printed PDFs."""
    require_soffice()  # scans are compared with a rendered PDF
    out = tmp_path_factory.mktemp("printed")
    api.render(ws, deals=DEALS, docs=["subscription"], out=out, pdf=True)
    return out


@pytest.fixture(scope="session")
def first(printed):
    """Return the first deal's printed 认购书."""
    return sorted(printed.glob("*-subscription.pdf"))[0]


@pytest.fixture
def pages(first):
    """Return fresh 150 dpi greyscale images of the printed pages, to sign and alter."""
    return render_pdf(first)


@pytest.fixture(scope="session")
def places(first, ws):
    """Return the signature places found on the printed 认购书."""
    return locate(first, declared(ws.pack, "subscription"))
