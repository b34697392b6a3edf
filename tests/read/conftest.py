"""A 认购书 rendered once for every reader test: as converted (no marks) and as printed (QR marks, provenance)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit import api
from toolkit.render.pdf import convert

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, ws) -> Path:
    """The 认购书 rendered as DOCX."""
    out = tmp_path_factory.mktemp("seen")
    api.render(ws, deals=[DEAL], docs=["subscription"], out=out)
    return out / "CHY-2026-0001-subscription.docx"


@pytest.fixture
def doc(rendered, tmp_path) -> Path:
    """A copy of the rendered DOCX for one test to change."""
    return Path(shutil.copy(rendered, tmp_path / rendered.name))


@pytest.fixture(scope="session")
def printed_pdf(tmp_path_factory, ws) -> Path:
    """The 认购书 as rendered and printed (QR marks and provenance), in a folder of printed PDFs."""
    from tests.conftest import require_soffice

    require_soffice()
    out = tmp_path_factory.mktemp("printed")
    api.render(ws, deals=[DEAL], docs=["subscription"], out=out, pdf=True)
    return out / "CHY-2026-0001-subscription.pdf"


@pytest.fixture(scope="session")
def clean_pdf(tmp_path_factory, printed_pdf) -> Path:
    """The same 认购书 converted by LibreOffice without the print marks."""
    out = tmp_path_factory.mktemp("pdfseen")
    (pdf,) = convert([printed_pdf.with_suffix(".docx")], out)
    return pdf


@pytest.fixture
def pdf(clean_pdf, tmp_path) -> Path:
    """A copy of the converted 认购书 for one test to change."""
    return Path(shutil.copy(clean_pdf, tmp_path / clean_pdf.name))
