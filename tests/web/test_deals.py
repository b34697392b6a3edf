"""Deals on the web page: field errors at their fields, documents rendered, discounts and changes approved
within the role's authority (403 beyond it), every decision recorded with who, when and why."""

from __future__ import annotations

import datetime as dt

from tests.web.conftest import login
from tests.web.test_http import deal_form


def test_a_bad_deal_form_shows_each_error_at_its_field(consultant):
    form = deal_form(deal_no="CHY-2026-0401", unit="1-1803", buyer_id_no="123", deposit="abc", buyer_phone="x")
    r = consultant.post("/deals/new", data={**form, "csrf": consultant.csrf})
    assert r.status_code == 422
    for field in ("buyer_id_no", "deposit", "buyer_phone"):
        assert f'data-field="{field}"' in r.text, field
    assert 'data-field="buyer_name"' not in r.text
    api = consultant.post("/api/deals", json=form, headers={"X-CSRF-Token": consultant.csrf}).json()
    assert api["stage"] == "invalid" and {"buyer_id_no", "deposit", "buyer_phone"} <= set(api["errors"])


def test_a_clean_deal_is_rendered_and_its_documents_downloaded(consultant):
    form = deal_form(deal_no="CHY-2026-0402", unit="1-1702", extra_rate_pct="0")
    r = consultant.post("/api/deals", json=form, headers={"X-CSRF-Token": consultant.csrf})
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "rendered" and set(r.json()["documents"]) == {"subscription", "contract"}
    price = consultant.get("/api/deals/CHY-2026-0402").json()["pricing"]
    assert 0 < float(price["total"]) < float(price["list_total"])  # published discounts applied
    assert sum(float(r["amount"]) for r in price["plan"]) == float(price["total"])
    doc = consultant.get("/deals/CHY-2026-0402/subscription.docx")
    assert doc.status_code == 200 and doc.content[:2] == b"PK"
    again = consultant.post("/api/deals", json=form, headers={"X-CSRF-Token": consultant.csrf}).json()
    assert again["errors"]["deal_no"] == ["合同编号CHY-2026-0402已录入"]


def test_an_extra_discount_beyond_authority_waits_and_is_approved_only_within_authority(site, consultant, manager):
    form = deal_form(deal_no="CHY-2026-0403", unit="1-1703", extra_rate_pct="2")
    entered = consultant.post("/api/deals", json=form, headers={"X-CSRF-Token": consultant.csrf}).json()
    assert entered["stage"] == "awaiting approval"
    aid = entered["approval_id"]
    refused = consultant.post(f"/api/approvals/discount/{aid}", json={"action": "approve"},
                              headers={"X-CSRF-Token": consultant.csrf})  # fmt: skip
    assert refused.status_code == 403 and refused.json()["findings"][0]["rule"] == "authority.discount"
    beyond = manager.post(f"/approvals/discount/{aid}", data={"action": "approve", "csrf": manager.csrf})
    assert beyond.status_code == 403 and "审批权限1%" in beyond.text  # 案场经理 1% < 2%
    director = login(site[0], "吴芳")
    done = director.post(f"/api/approvals/discount/{aid}", json={"action": "approve", "reason": "老业主推荐"},
                         headers={"X-CSRF-Token": director.csrf}).json()  # fmt: skip
    assert done["record"]["decided_by"] == "吴芳" and done["record"]["decided_role"] == "销售总监"
    assert done["record"]["reason"] == "老业主推荐" and done["record"]["decided_at"]
    assert done["entered"]["stage"] == "rendered"
    page = director.get("/deals/CHY-2026-0403")
    assert "已生成" in page.text and "吴芳（销售总监）" in page.text
    twice = director.post(f"/api/approvals/discount/{aid}", json={"action": "approve"},
                          headers={"X-CSRF-Token": director.csrf})  # fmt: skip
    assert twice.status_code == 400


def test_a_discount_within_authority_is_approved_by_the_manager_and_a_refusal_needs_a_reason(site, consultant, manager):
    form = deal_form(deal_no="CHY-2026-0404", unit="1-1603", extra_rate_pct="1")
    aid = consultant.post("/api/deals", json=form, headers={"X-CSRF-Token": consultant.csrf}).json()["approval_id"]
    h = {"X-CSRF-Token": manager.csrf}
    assert manager.post(f"/api/approvals/discount/{aid}", json={"action": "refuse"}, headers=h).status_code == 400
    ok = manager.post(f"/api/approvals/discount/{aid}", json={"action": "approve"}, headers=h).json()
    assert ok["record"]["status"] == "approved" and ok["entered"]["stage"] == "rendered"


def test_consultants_see_other_consultants_buyers_masked(site, manager):
    other = login(site[0], "赵磊")
    page = other.get("/api/deals/CHY-2026-0402").json()  # 李娜's deal
    assert page["deal"]["buyers"][0]["id_no"] != "440305198806124536"
    assert manager.get("/api/deals/CHY-2026-0402").json()["deal"]["buyers"][0]["id_no"] == "440305198806124536"


def test_a_requested_change_is_approved_or_refused_within_authority(site, documents, manager):
    from toolkit import api

    ws = site[0].state.ws  # the app's workspace, on the app's ledger
    h = {"X-CSRF-Token": manager.csrf}
    clean = (documents / "CHY-2026-0001-subscription.docx").read_bytes()
    up = manager.post("/api/files", headers=h, files={"file": ("CHY-2026-0001-subscription.docx", clean)}).json()
    assert up["outcome"] == "accepted", up
    done = api.change(ws, "refund", deal_no="CHY-2026-0001", reason_code="买受人原因", date=dt.date(2026, 11, 25))
    assert done.result.status == "requested"
    waiting = manager.get("/api/approvals").json()["changes"]
    assert [c["no"] for c in waiting] == [done.result.no]
    beyond = manager.post(f"/api/approvals/change/{done.result.no}", json={"action": "approve"}, headers=h)
    assert beyond.status_code == 403  # a refund needs a 销售经理
    boss = login(site[0], "郑国华")
    refused = boss.post(f"/api/approvals/change/{done.result.no}", json={"action": "refuse", "reason": "资料不全"},
                        headers={"X-CSRF-Token": boss.csrf}).json()  # fmt: skip
    assert refused["status"] == "refused" and refused["decided_by"] == "郑国华" and refused["reason"] == "资料不全"
    unit = manager.get("/api/units/1-1801").json()
    assert unit["status"] == "已认购" and unit["pending"] is None
