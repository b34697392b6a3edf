"""Shared fixtures: the example project, its pack, a workspace, and the PDF requirement."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from toolkit import api
from toolkit.render.pdf import find_soffice

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cuihu"
PACK = ROOT / "templates" / "prc-presale"


@pytest.fixture(scope="session")
def example() -> Path:
    """Return the example project folder (read only: copy it before changing anything)."""
    return EXAMPLE


@pytest.fixture(scope="session")
def ws() -> api.Workspace:
    """Return the example project opened with the default pack."""
    return api.open_project(EXAMPLE)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """Return a writable copy of the example project."""
    target = tmp_path / "cuihu"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture
def soffice() -> str:
    """Return LibreOffice's path; fail in CI (LOUPAN_REQUIRE_PDF=1) and skip elsewhere when it is missing."""
    return require_soffice()


def require_soffice() -> str:
    """Return LibreOffice's path; fail in CI (LOUPAN_REQUIRE_PDF=1) and skip elsewhere when it is missing."""
    found = find_soffice()
    if found:
        return found
    if os.environ.get("LOUPAN_REQUIRE_PDF") == "1":
        pytest.fail("LibreOffice (soffice) is required here (LOUPAN_REQUIRE_PDF=1) but is not installed")
    pytest.skip(
        "LibreOffice is not installed: PDF tests need it (apt-get install libreoffice-writer-nogui); "
        "CI sets LOUPAN_REQUIRE_PDF=1, where this fails instead"
    )


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the suite's compiled templates and remembered values out of the user's cache (toolkit/cache.py)."""
    saved = os.environ.get("LOUPAN_CACHE")
    os.environ["LOUPAN_CACHE"] = str(tmp_path_factory.mktemp("loupan-cache"))
    yield
    if saved is None:
        os.environ.pop("LOUPAN_CACHE", None)
    else:
        os.environ["LOUPAN_CACHE"] = saved


# -- PostgreSQL: one throwaway cluster per session, a fresh database per test module ----------------------
@pytest.fixture(scope="session")
def pg_cluster():
    """Start a throwaway PostgreSQL cluster for the session; fail in CI and skip elsewhere when it cannot."""
    from tests.pg.cluster import Cluster, missing

    why = missing()
    if why:
        if os.environ.get("LOUPAN_REQUIRE_PDF") == "1" or os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required here (CI / LOUPAN_REQUIRE_PDF=1): {why}")
        print(f"\nskipping the PostgreSQL tests: {why}")
        pytest.skip(f"{why}; CI fails here instead")
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def pg_url(pg_cluster, request) -> str:
    """Return the URL of a fresh database for this test module, its schema migrated."""
    from toolkit.ledger import migrate
    from toolkit.ledger.db import Db

    url = pg_cluster.create("t_" + request.module.__name__.rsplit(".", 1)[-1][:50])
    db = Db(url)
    try:
        migrate.upgrade(db)
    finally:
        db.close()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_backend(request, monkeypatch) -> str | None:
    """Run a test on each backend: the project's SQLite file, or (LOUPAN_DB) an emptied PostgreSQL database."""
    monkeypatch.delenv("LOUPAN_DB", raising=False)
    if request.param == "sqlite":
        return None
    from tests.pg.cluster import truncate

    url = request.getfixturevalue("pg_url")
    truncate(url)
    monkeypatch.setenv("LOUPAN_DB", url)
    return url
