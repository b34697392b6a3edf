"""The daily report's 待办 sheet: what a manager follows up, read back from the XLSX as the office opens it."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from unittest import mock

import pytest
from openpyxl import load_workbook

from tests.control.conftest import DAY
from toolkit import api

pytestmark = pytest.mark.usefixtures("ledger_backend")

HEADER = ("事项", "成交编号", "房号", "买受人", "联系电话", "待办内容", "起始日期", "到期日期", "状态", "跟进人")


@contextlib.contextmanager
def _on(day: str):
    with mock.patch("toolkit.ledger.sales.now", lambda: f"{day}T10:00:00.000+00:00"):
        yield


def _office_day(ws, project):
    """Three 认购 of 11-20 (signing by 11-27): 0001 signed 11-21, 0002 not signed, 0003 with a 退房 requested."""
    for n in (1, 2, 3):
        api.deal_subscribe(ws, project / "deals" / f"CHY-2026-000{n}.yaml")
    with _on("2026-11-21"):
        api.deal_sign(ws, "CHY-2026-0001")
    api.change(ws, "refund", deal_no="CHY-2026-0003", reason_code="双方均无过错", date=dt.date(2026, 12, 20),
               requested_by="孙悦")  # fmt: skip
    api.case_open(ws, kind="投诉", who="黄丽", unit="3-1503", deal_no="CHY-2026-0003", handler="孙悦",
                  what="要求尽快退款，回电13500001111", received=dt.date(2026, 12, 18))  # fmt: skip


def _sheet(ws, project, date: str):
    xlsx = api.report_daily(ws, date=date, out=project / "out", pdf=False).files[0]
    sheet = load_workbook(xlsx)["待办"]
    return sheet, [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_the_todo_sheet_lists_what_is_open_overdue_first(office):
    ws, project = office
    _office_day(ws, project)
    sheet, rows = _sheet(ws, project, "2026-12-23")
    assert rows[0] == HEADER
    assert [(r[0], r[1], r[6], r[7], r[8], r[9]) for r in rows[1:]] == [
        ("逾期未签约", "CHY-2026-0002", "2026-11-20", "2026-11-27", "逾期26日", "赵磊"),
        ("逾期未签约", "CHY-2026-0003", "2026-11-20", "2026-11-27", "逾期26日", "孙悦"),
        ("待备案", "CHY-2026-0001", "2026-11-21", "2026-12-21", "逾期2日", "李娜"),  # signed 11-21 + 30 days
        ("客户个案待答复", "CHY-2026-0003", "2026-12-18", "2026-12-21", "逾期2日", "周敏"),  # escalated (投诉: 3 days)
        ("变更待审批", "CHY-2026-0003", "2026-12-20", "—", "待处理", "销售经理以上审批"),
    ]
    assert rows[1][2:5] == ("2-2302", "刘洋、陈静", "139****5678、136****4321")
    assert "退房申请CHY-2026-0003-TF1待审批" in rows[5][5]
    red = [i for i in range(2, 7) if getattr(sheet.cell(row=i, column=1).font.color, "rgb", None) == "00C00000"]
    assert red == [2, 3, 4, 5]  # the overdue rows in red, the pending change not


def test_no_phone_or_id_number_shows_in_the_todo_sheet(office):
    ws, project = office
    _office_day(ws, project)
    _, rows = _sheet(ws, project, "2026-12-23")
    text = "\n".join(str(v) for r in rows for v in r)
    assert "135****1111" in text  # the case's own words, masked
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text) and not re.search(r"\d{17}[\dX]", text)


def test_before_the_deadlines_only_what_is_still_open_shows_with_the_days_left(office):
    ws, project = office
    for n in (1, 2):
        api.deal_subscribe(ws, project / "deals" / f"CHY-2026-000{n}.yaml")
    with _on("2026-11-21"):
        api.deal_sign(ws, "CHY-2026-0001")
    _, rows = _sheet(ws, project, "2026-11-25")  # 0002 may still sign by 11-27: not a follow-up yet
    assert [(r[0], r[1], r[8]) for r in rows[1:]] == [("待备案", "CHY-2026-0001", "剩余26日")]
    with _on("2026-12-01"):
        api.deal_file(ws, "CHY-2026-0001")
    _, rows = _sheet(ws, project, "2026-12-01")
    assert [(r[0], r[1]) for r in rows[1:]] == [("逾期未签约", "CHY-2026-0002")]  # the filed contract is done


def test_a_day_with_nothing_open_says_so(office):
    ws, project = office
    _, rows = _sheet(ws, project, DAY.isoformat())
    assert rows == [HEADER, ("无待办事项",) + (None,) * 9]
