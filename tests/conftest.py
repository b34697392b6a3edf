"""Shared fixtures: the example project, its pack, a workspace, check workers shared by the inbox tests, and the
PDF requirement."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

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


KEEP_POOLS = 2
PROJECT_INPUTS = ("project.yaml", "units.csv", "units.xlsx", "policies.yaml")  # what a check worker reads


def _worker_key(project_dir: Path, pack_dir: Path | None) -> str:
    """Name what a check worker was opened on: the project's inputs, the pack, the folders it reads from."""
    h = hashlib.sha256()
    for name in PROJECT_INPUTS:
        f = Path(project_dir) / name
        h.update(name.encode() + b"\0" + (f.read_bytes() if f.is_file() else b"-") + b"\0")
    for env in ("LOUPAN_PRINTED", "LOUPAN_TEMPLATES"):
        h.update(os.environ.get(env, "").encode() + b"\0")
    return h.hexdigest() + str(pack_dir or "")


class SharedPool:
    """A check pool kept between tests for the same project inputs: `stop` keeps its workers for the next test.

    Starting a worker re-imports the toolkit in a spawned process (about a second); the inbox tests start one per
    `ingest`. A pool whose workers still have requests outstanding (a test that failed midway) is really stopped.
    """

    pools: dict[str, Any] = {}
    real: Any = None  # the toolkit's CheckPool, which the fixture replaces by this class

    def __init__(
        self, project_dir: Path, pack_dir: Path | None, time_limit: float, size: int | None = None, eager: bool = False
    ):
        key = _worker_key(project_dir, pack_dir)
        pool = self.pools.pop(key, None) or SharedPool.real(project_dir, pack_dir, time_limit, size, eager=eager)
        self.pools[key] = pool  # the most recently used last
        while len(self.pools) > KEEP_POOLS:  # a pool for inputs made by one test only is not kept running
            self.pools.pop(next(iter(self.pools))).stop()
        for w in pool.workers:
            w.time_limit = time_limit
        object.__setattr__(self, "pool", pool)

    def start(self) -> None:
        """Start the first worker unless it is still running from an earlier test."""
        first = self.pool.workers[0]
        if first.proc is None or not first.proc.is_alive():
            self.pool.start()

    def stop(self) -> None:
        """Keep the workers, unless a request is still outstanding."""
        if any(w.pending or w.answers for w in self.pool.workers):
            self.pool.stop()
            for w in self.pool.workers:
                w.pending.clear()
                w.answers.clear()
        self.pool.wide = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pool, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.pool, name, value)


@pytest.fixture(scope="session", autouse=True)
def shared_check_workers():
    """Let every `ingest` and `watch` in the tests reuse check workers opened on the same project inputs.

    LOUPAN_TEST_FRESH_WORKERS=1 starts a worker for each, as the toolkit does (to compare, or to rule sharing out).
    """
    from toolkit.inbox import worker

    if os.environ.get("LOUPAN_TEST_FRESH_WORKERS") == "1":
        yield {}
        return

    SharedPool.real = worker.CheckPool
    patch = pytest.MonkeyPatch()
    patch.setattr(worker, "CheckPool", SharedPool)  # the api imports it from there when an inbox opens
    yield SharedPool.pools
    patch.undo()
    for pool in SharedPool.pools.values():
        pool.stop()
    SharedPool.pools.clear()


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


def require_tool(name: str, package: str) -> str:
    """Return a command's path (qpdf, gs: other programs that save PDFs); fail in CI and skip elsewhere when
    it is missing."""
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("LOUPAN_REQUIRE_PDF") == "1":
        pytest.fail(f"{name} is required here (LOUPAN_REQUIRE_PDF=1) but is not installed (apt-get install {package})")
    pytest.skip(f"{name} is not installed (apt-get install {package}); CI sets LOUPAN_REQUIRE_PDF=1, where this fails")


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
