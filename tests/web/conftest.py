"""Fixtures for the web page: a project copy with users, the application with its inbox thread, logged-in clients."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import docx
import pytest

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402

from toolkit import api  # noqa: E402
from toolkit.api import accounts  # noqa: E402
from toolkit.web.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"
USERS = {
    "周敏": "案场经理",
    "李娜": "置业顾问",
    "赵磊": "置业顾问",
    "吴芳": "销售总监",
    "钱晓": "出纳",
    "郑国华": "总经理",
}
PASSWORD = "pass-word-123"


def make_project(folder: Path, db: str | None = None) -> Path:
    """Copy the example project and add its web users (in the ledger database `db` when given)."""
    project = folder / "cuihu"
    shutil.copytree(EXAMPLE, project)
    ws = api.open_project(project)
    ws.ledger_url = db
    for name, role in USERS.items():
        accounts.user_add(ws, name, role, PASSWORD)
    return project


def altered(clean: Path, target: Path) -> Path:
    """Save a copy of a rendered 认购书 with a sentence of its standard wording changed."""
    d = docx.Document(str(clean))
    runs = [run for p in d.paragraphs for run in p.runs if "不向认购人收取任何房价款" in run.text]
    assert runs, "the test's alteration found nothing to change"
    runs[0].text = runs[0].text.replace("不向认购人收取任何房价款", "可向认购人收取部分房价款")
    d.save(str(target))
    return target


@pytest.fixture(scope="session")
def documents(tmp_path_factory) -> Path:
    """Render the example's clean deals' 认购书 and contracts."""
    out = tmp_path_factory.mktemp("web-docs")
    ws = api.open_project(EXAMPLE)
    api.render(ws, deals=api.deal_files(ws), docs=["subscription", "contract"], out=out)
    return out


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def web_db(request) -> str | None:
    """Return the ledger the web tests run on: the project's SQLite file (None), or a PostgreSQL database."""
    if request.param == "sqlite":
        return None
    from toolkit.ledger import migrate
    from toolkit.ledger.db import Db

    url = request.getfixturevalue("pg_cluster").create("t_web")
    db = Db(url)
    migrate.upgrade(db)
    db.close()
    return url


@pytest.fixture(scope="session")
def site(tmp_path_factory, web_db):
    """Start the application (with its inbox thread) on a project copy and a ledger; yield (app, project)."""
    project = make_project(tmp_path_factory.mktemp("web"), web_db)
    app = create_app(project, db=web_db)  # the URL given, not LOUPAN_DB: the other tests' environment is theirs
    with TestClient(app):
        yield app, project


def login(app, name: str, password: str = PASSWORD) -> TestClient:
    """Return a client logged in as a user (its CSRF token in `client.csrf`)."""
    client = TestClient(app)
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    client.csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/board").text).group(1)  # type: ignore[attr-defined]
    return client


@pytest.fixture(scope="session")
def manager(site):
    return login(site[0], "周敏")


@pytest.fixture(scope="session")
def consultant(site):
    return login(site[0], "李娜")
