"""The web page on a shared PostgreSQL ledger, over real HTTP: log in, ask for a discount, approve it; every record
in the database under the project's code, nothing in the project's own SQLite file."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.web.conftest import PASSWORD, USERS, make_project
from tests.web.server import serving
from tests.web.test_http import deal_form
from toolkit.ledger.db import Db, ledger_path


def _login(base: str, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token})
    assert r.status_code == 303, r.text
    csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/board").text).group(1)  # type: ignore[union-attr]
    return client, csrf


def test_the_records_a_session_leaves_are_in_the_web_db(site, web_db, manager):
    _, project = site
    if web_db is None:
        assert ledger_path(project).is_file()
        return
    db = Db(web_db)
    try:
        users = {r["name"] for r in db.execute("SELECT name FROM users WHERE project='CHY'")}
        sessions = db.one("SELECT COUNT(*) AS n FROM sessions WHERE project='CHY'")["n"]
    finally:
        db.close()
    assert users == set(USERS) and sessions >= 1
    assert not ledger_path(project).exists()  # the project's own SQLite file was never made


@pytest.mark.slow  # a real server with its inbox thread
def test_login_and_a_discount_approval_round_trip_over_http_on_postgresql(pg_cluster, tmp_path):
    url = pg_cluster.create("t_web_http")
    db = Db(url)
    from toolkit.ledger import migrate

    migrate.upgrade(db)
    project = make_project(tmp_path, url)
    with serving(project, url) as base:
        consultant, c_csrf = _login(base, "李娜")
        form = deal_form(deal_no="CHY-2026-0501", unit="1-1503", extra_rate_pct="1")
        entered = consultant.post("/api/deals", json=form, headers={"X-CSRF-Token": c_csrf}).json()
        assert entered["stage"] == "awaiting approval", entered
        manager, m_csrf = _login(base, "周敏")
        waiting = manager.get("/api/approvals").json()["discounts"]
        assert [d["id"] for d in waiting] == [entered["approval_id"]]
        done = manager.post(
            f"/api/approvals/discount/{entered['approval_id']}", json={"action": "approve"},
            headers={"X-CSRF-Token": m_csrf},
        ).json()  # fmt: skip
        assert done["record"]["decided_by"] == "周敏" and done["entered"]["stage"] == "rendered"
        assert manager.post("/logout", data={"csrf": m_csrf}).status_code in (200, 303)
        assert manager.get("/api/me").status_code == 401
        consultant.close()
        manager.close()
    row = db.one(
        "SELECT project, status, decided_by, decided_role FROM approvals WHERE id=?", (entered["approval_id"],)
    )
    assert dict(row) == {"project": "CHY", "status": "approved", "decided_by": "周敏", "decided_role": "案场经理"}
    assert db.one("SELECT COUNT(*) AS n FROM sessions WHERE project='CHY'")["n"] == 1  # the manager's ended
    db.close()
    assert not ledger_path(project).exists()


def test_the_web_keeps_a_few_connections_and_replaces_one_the_server_cut(project_copy, pg_url):
    from tests.pg.cluster import truncate
    from toolkit import api
    from toolkit.api import accounts

    truncate(pg_url)
    ws = api.open_project(project_copy)
    ws.ledger_url = pg_url
    with accounts.accounts(ws) as a:
        first = a.db.one("SELECT pg_backend_pid() AS pid")["pid"]
    with accounts.accounts(ws) as a:  # the same connection, kept between calls
        assert a.db.one("SELECT pg_backend_pid() AS pid")["pid"] == first
    admin = Db(pg_url)
    admin.one("SELECT pg_terminate_backend(?) AS done", (first,))  # a server restart, as the kept one sees it
    while admin.one("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE pid=?", (first,))["n"]:
        time.sleep(0.05)  # the backend has gone (it ends a moment after the signal)
    admin.close()
    accounts.user_add(ws, "周敏", "案场经理", PASSWORD)  # answered on a new connection, no error
    with accounts.accounts(ws) as a:
        assert a.user("周敏")["role"] == "案场经理"
        assert a.db.one("SELECT pg_backend_pid() AS pid")["pid"] != first
