"""The scripted November on the shared PostgreSQL ledger: the same report, figure for figure, as on SQLite."""

from __future__ import annotations

from tests.pg.cluster import truncate
from tests.reports.conftest import ACTIVITY, ROOT
from toolkit import api, report_api
from toolkit.play_activity import play


def _november(folder, monkeypatch, url: str | None) -> tuple[dict, dict]:
    """Play November on one backend; return its monthly and W46 reports (as JSON) and a deal as the ledger keeps it."""
    if url:
        monkeypatch.setenv("LOUPAN_DB", url)
    else:
        monkeypatch.delenv("LOUPAN_DB", raising=False)
    ws = api.open_project(play(ROOT / "examples" / "cuihu", ACTIVITY, folder))
    reports = {p: report_api.report_period(ws, period=p)[0].as_json() for p in ("2026-11", "2026-W46")}
    s = api.sales(ws)
    try:
        return reports, s.deal("CHY-2026-0002")
    finally:
        s.close()


def test_the_month_reads_the_same_on_postgresql(pg_url, tmp_path, monkeypatch):
    truncate(pg_url)
    lite, lite_deal = _november(tmp_path / "a", monkeypatch, None)
    pg, pg_deal = _november(tmp_path / "b", monkeypatch, pg_url)
    assert pg_deal["sign_date"] == lite_deal["sign_date"] == "2026-11-20"  # signed on the script's day
    assert pg_deal["salesperson"] == "赵磊" and pg_deal["plan"] == lite_deal["plan"]
    month, week = pg["2026-11"], pg["2026-W46"]
    assert month["signing"]["deals"] and month["receivables"]["ageing"] and month["discounts"]["by_kind"], month
    assert [x["deal_no"] for x in week["expired"]] == ["CHY-2026-0002"]  # its deadline 11-12 passed unsigned
    assert pg == lite
