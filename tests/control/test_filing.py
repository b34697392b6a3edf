"""备案 within 30 days of signing (R-REG-01): the daily report names the contracts filed late or still unfiled."""

from __future__ import annotations

import contextlib
from unittest import mock

from tests.control.conftest import receipt, state
from toolkit import api
from toolkit.control.filing import filing_findings


@contextlib.contextmanager
def _on(day: str):
    with mock.patch("toolkit.ledger.sales.now", lambda: f"{day}T10:00:00.000+00:00"):
        yield


def _findings(ws, day: str):
    s = api.sales(ws)
    try:
        return filing_findings(s, day)
    finally:
        s.close()


def _signed(ws, project, day: str = "2026-11-21"):
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    receipt(ws, "SJ0001", "张伟", "1-1801", "定金", 50000)
    with _on(day):
        api.deal_sign(ws, "CHY-2026-0001")


def test_a_contract_unfiled_past_30_days_is_reported_every_day_until_filed(office):
    ws, project = office
    _signed(ws, project)
    assert _findings(ws, "2026-12-21") == []  # the 30th day
    late = _findings(ws, "2026-12-22")
    assert [f.rule for f in late] == ["filing.late"] and "31日仍未备案" in late[0].message
    with _on("2026-12-23"):
        api.deal_file(ws, "CHY-2026-0001")
    assert state(ws, "1-1801").status == "已备案"
    assert [f.rule for f in _findings(ws, "2026-12-23")] == ["filing.late"]  # filed late: said on the day
    assert _findings(ws, "2026-12-24") == []
    d = api.report_daily(ws, date="2026-12-22", out=project / "out", pdf=False).report
    assert "filing.late" in [f.rule for f in d.findings]


def test_a_contract_filed_in_time_is_not_reported(office):
    ws, project = office
    _signed(ws, project)
    with _on("2026-12-10"):
        api.deal_file(ws, "CHY-2026-0001")
    assert [_findings(ws, day) for day in ("2026-11-21", "2026-12-10", "2027-01-30")] == [[], [], []]
