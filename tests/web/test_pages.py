"""The remaining pages: the board's live version, the daily report and its XLSX, legal, the OpenAPI document."""

from __future__ import annotations

import io

import openpyxl
import pytest
import yaml

from tests.web.conftest import ROOT, login


def test_the_board_answers_unchanged_until_a_unit_moves(site, manager):
    from toolkit import api

    first = manager.get("/api/units").json()
    assert len(first["units"]) == 424
    assert manager.get(f"/api/units?since={first['version']}").json() == {"version": first["version"], "changed": False}
    api.unit_action(site[0].state.ws, "hold", "2-0301", approved_by="王强")
    moved = manager.get(f"/api/units?since={first['version']}").json()
    assert moved["changed"] and moved["units"]["2-0301"]["status"] == "销控"
    assert 'data-code="2-0301" data-status="销控"' in manager.get("/board").text


def test_the_daily_report_is_shown_and_downloaded_as_xlsx(manager):
    page = manager.get("/reports/daily?date=2026-11-20")
    assert page.status_code == 200 and "销售日报" in page.text
    assert manager.get("/reports/daily?date=2026-13-01").status_code == 400
    xlsx = manager.get("/reports/daily.xlsx?date=2026-11-20")
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert manager.get("/reports/daily.exe?date=2026-11-20").status_code == 404


@pytest.mark.slow  # lint reads every template of the pack (about 5 s)
def test_legal_sees_the_packs_their_diff_and_lint(site):
    director = login(site[0], "吴芳")
    packs = director.get("/api/packs").json()
    shipped = yaml.safe_load((ROOT / "templates" / "prc-presale" / "pack.yaml").read_text(encoding="utf-8"))["version"]
    assert packs["prc-presale"]["releases"][0] == "1.0.0" and packs["prc-presale"]["releases"][-1] == shipped
    assert director.get(f"/api/packs/prc-presale/diff?old={shipped}&new=current").json() == []  # released as is
    assert director.get("/api/packs/prc-presale/diff?old=1.0.0&new=current").json() != []  # notices added since
    assert director.get("/api/packs/prc-presale/diff?old=../../etc&new=current").status_code == 404
    assert "条款对比" in director.get("/legal/prc-presale/diff").text
    lint = director.get("/api/packs/prc-presale/lint").json()
    assert not [f for f in lint if f["severity"] == "error"]


def test_the_openapi_document_describes_every_api_route(manager):
    doc = manager.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.") and doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path in ("/api/files", "/api/units/{code}", "/api/deals", "/api/approvals/discount/{id}", "/api/reports/daily"):
        assert path in doc["paths"], path
    assert all(op.get("summary") for ops in doc["paths"].values() for op in ops.values())
    assert "post" in doc["paths"]["/api/files"] and "413" in doc["paths"]["/api/files"]["post"]["responses"]
