"""The web page over HTTP: sessions, CSRF, roles, escaping, traversal, uploads through the inbox pipeline."""

from __future__ import annotations

import yaml

from tests.web.conftest import EXAMPLE, PASSWORD, altered, login


def test_an_api_call_without_a_session_gets_401_and_a_page_goes_to_the_login(site):
    app, _ = site
    from starlette.testclient import TestClient

    anonymous = TestClient(app)
    assert anonymous.get("/api/units").status_code == 401
    assert anonymous.post("/api/files", files={"file": ("a.docx", b"PK")}).status_code == 401
    page = anonymous.get("/board", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_a_wrong_password_is_refused_and_logins_are_rate_limited(site):
    app, _ = site
    from starlette.testclient import TestClient

    c = TestClient(app)
    token = c.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
    codes = [c.post("/login", data={"name": "赵磊", "password": "wrong", "csrf": token}).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    right = c.post("/login", data={"name": "赵磊", "password": PASSWORD, "csrf": token}, follow_redirects=False)
    assert right.status_code == 429  # still blocked for this address and name


def test_the_session_cookie_is_httponly_and_samesite_strict(site):
    app, _ = site
    from starlette.testclient import TestClient

    c = TestClient(app)
    token = c.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
    r = c.post("/login", data={"name": "吴芳", "password": PASSWORD, "csrf": token}, follow_redirects=False)
    cookie = r.headers["set-cookie"].split(", loupan_login")[0]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie  # localhost


def test_a_forged_session_cookie_is_refused(site):
    app, _ = site
    from starlette.testclient import TestClient

    c = TestClient(app, cookies={"loupan_session": "made-up.0000"})
    assert c.get("/api/me").status_code == 401


def test_a_post_without_the_csrf_token_gets_403(manager):
    assert manager.post("/api/files", files={"file": ("x.docx", b"PK")}).status_code == 403
    assert manager.post("/approvals/discount/1", data={"action": "approve"}).status_code == 403
    wrong = manager.post("/api/files", files={"file": ("x.docx", b"PK")}, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403


def test_a_bearer_token_acts_with_its_users_role_without_csrf_and_can_be_revoked(site):
    app, project = site
    from starlette.testclient import TestClient

    from toolkit.api import accounts

    ws = app.state.ws  # the app's workspace, on the app's ledger
    token = accounts.user_token(ws, "周敏")
    c = TestClient(app)
    me = c.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {"name": "周敏", "role": "案场经理", "via": "token", "permissions": me["permissions"]}
    bad = c.post("/api/files", headers={"Authorization": f"Bearer {token}"}, files={"file": ("a.txt", b"x")})
    assert bad.status_code == 415  # past auth and CSRF: refused for its type
    assert accounts.user_revoke(ws, "周敏") == 1
    assert c.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_role_without_the_permission_gets_403(site, consultant):
    assert consultant.get("/reports/daily").status_code == 403
    assert consultant.get("/legal").status_code == 403
    assert consultant.get("/api/packs").status_code == 403
    cashier = login(site[0], "钱晓")
    assert cashier.get("/reports/daily?date=2026-11-20").status_code == 200
    assert cashier.get("/api/files", params={"limit": 1}).status_code == 200
    assert (
        cashier.post(
            "/api/files", headers={"X-CSRF-Token": cashier.csrf}, files={"file": ("a.docx", b"PK")}
        ).status_code
        == 403
    )


def test_only_roster_people_with_their_roster_role_become_users(site):
    import pytest

    from toolkit.api import accounts
    from toolkit.errors import UsageError

    ws = site[0].state.ws
    with pytest.raises(UsageError, match="不在项目人员名单"):
        accounts.user_add(ws, "张三", "置业顾问", PASSWORD)
    with pytest.raises(UsageError, match="岗位是置业顾问"):
        accounts.user_add(ws, "孙悦", "总经理", PASSWORD)
    with pytest.raises(UsageError, match="至少"):
        accounts.user_add(ws, "孙悦", "置业顾问", "short")


def test_traversal_in_download_paths_is_refused(manager):
    for path in (
        "/files/..%2F..%2Fproject.yaml/original",
        "/files/../../etc/passwd",
        "/deals/..%2F..%2Fweb-secret/subscription.docx",
        "/deals/CHY-2026-0001/..%2F..%2F..%2Fproject.docx",
        "/static/..%2F..%2Fapp.py",
        "/legal/..%2F..%2Fexamples/lint",
    ):
        r = manager.get(path)
        assert r.status_code == 404, path
        assert "seller" not in r.text and "secret" not in r.text.lower().replace("csrf", "")


def test_an_upload_of_a_clean_subscription_is_accepted_and_moves_the_unit(documents, manager):
    clean = (documents / "CHY-2026-0002-subscription.docx").read_bytes()
    r = manager.post(
        "/api/files", headers={"X-CSRF-Token": manager.csrf}, files={"file": ("CHY-2026-0002-subscription.docx", clean)}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "accepted" and body["findings"] == [] and isinstance(body["id"], int)
    unit = manager.get(f"/api/units/{body['unit']}").json()
    assert unit["status"] == "已认购" and unit["deal"]["deal_no"] == "CHY-2026-0002"
    assert manager.get(f"/api/files/{body['id']}").json()["outcome"] == "accepted"
    original = manager.get(f"/files/{body['id']}/original")
    assert original.status_code == 200 and original.content == clean
    again = manager.post(
        "/api/files", headers={"X-CSRF-Token": manager.csrf}, files={"file": ("copy.docx", clean)}
    ).json()
    assert again["outcome"] == "duplicates"


def test_an_upload_of_an_altered_subscription_is_rejected_with_its_findings(documents, manager, tmp_path):
    bad = altered(documents / "CHY-2026-0001-subscription.docx", tmp_path / "altered.docx").read_bytes()
    r = manager.post("/api/files", headers={"X-CSRF-Token": manager.csrf}, files={"file": ("altered.docx", bad)})
    body = r.json()
    assert body["outcome"] == "rejected"
    assert body["findings"] and all(f["rule"] for f in body["findings"])
    page = manager.get(f"/files/{body['id']}")
    assert "退回" in page.text and "clause.altered" in page.text
    assert "<del>不</del>" in page.text and "<ins>可</ins>" in page.text  # the redline at the finding
    report = manager.get(f"/files/{body['id']}/report")
    assert report.status_code == 200 and "收件检查报告" in report.text


def test_uploads_of_a_kind_the_inbox_never_takes_or_too_large_are_refused(manager):
    h = {"X-CSRF-Token": manager.csrf}
    assert manager.post("/api/files", headers=h, files={"file": ("run.sh", b"#!/bin/sh")}).status_code == 415
    assert manager.post("/api/files", headers=h, files={"file": (".hidden.docx", b"PK")}).status_code == 415
    assert (
        manager.post("/api/files", headers=h, files={"file": ("big.pdf", b"%PDF" + b"0" * (50 * 2**20))}).status_code
        == 413
    )


def test_a_buyer_name_holding_script_is_shown_escaped(manager):
    form = deal_form(deal_no="CHY-2026-0301", unit="1-1802", buyer_name="<script>alert(1)</script>张")
    r = manager.post("/deals/new", data={**form, "csrf": manager.csrf})
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;" in r.text


def deal_form(**over) -> dict:
    """Return the entry form of the example's first deal, with some fields changed."""
    data = yaml.safe_load((EXAMPLE / "deals" / "CHY-2026-0001.yaml").read_text(encoding="utf-8"))
    b = data["buyers"][0]
    form = {
        "deal_no": data["deal_no"], "unit": data["unit"], "subscribe_date": str(data["subscribe_date"]),
        "sign_deadline": str(data["sign_deadline"]), "salesperson": data["salesperson"], "buyer_name": b["name"],
        "buyer_id_type": b["id_type"], "buyer_id_no": b["id_no"], "buyer_phone": b["phone"],
        "buyer_address": b["address"], "payment_method": data["payment"]["method"],
        "down_payment_pct": str(data["payment"].get("down_payment_pct", "")), "lender": data["payment"].get("lender", ""),
        "discounts": data.get("discounts", []), "extra_rate_pct": str((data.get("extra_discount") or {}).get("rate_pct", 0)),
        "deposit": str(data["deposit"]),
    }  # fmt: skip
    return {**form, **over}
