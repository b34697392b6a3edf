"""A scripted month of the example project (November 2026), dated by a patched ledger clock."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from tests.control.conftest import ESCROW, amend
from toolkit import api

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def on(monkeypatch, date: str):
    """Stamp the ledger's events with a day of the script (the ledger stamps them with the clock)."""
    monkeypatch.setattr("toolkit.ledger.sales.now", lambda: f"{date}T10:00:00.000+00:00")
    yield


def pay(ws, no, date, payer, unit, kind, amount):
    api.money_receipt(
        ws,
        no=no,
        date=date,
        payer=payer,
        unit=unit,
        kind=kind,
        amount=amount,
        channel="转账",
        account=ESCROW,
        cashier="钱晓",
    )


@pytest.fixture
def month(tmp_path, monkeypatch):
    """Play November: three 认购, two 签约, a 换房, a 退房 and the receipts; return (workspace, folder)."""
    project = tmp_path / "cuihu"
    shutil.copytree(ROOT / "examples" / "cuihu", project, ignore=shutil.ignore_patterns(".loupan"))
    dates = {"0001": "2026-11-03", "0002": "2026-11-05", "0003": "2026-11-10"}
    for n, day in dates.items():
        path = project / "deals" / f"CHY-2026-{n}.yaml"
        amend(path, path, subscribe_date=day, sign_deadline=day[:8] + f"{int(day[8:]) + 7:02d}")
    ws = api.open_project(project)
    import datetime as dt

    def step(day, call):
        with on(monkeypatch, day):
            call()

    step("2026-11-03", lambda: api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml"))
    pay(ws, "SJ0001", "2026-11-03", "张伟", "1-1801", "定金", 50000)
    step("2026-11-05", lambda: api.deal_subscribe(ws, project / "deals" / "CHY-2026-0002.yaml"))
    pay(ws, "SJ0002", "2026-11-05", "刘洋", "2-2302", "定金", 100000)
    step("2026-11-08", lambda: api.deal_sign(ws, "CHY-2026-0001"))
    pay(ws, "SJ0003", "2026-11-08", "张伟", "1-1801", "首付款", 2096327)
    step("2026-11-10", lambda: api.deal_subscribe(ws, project / "deals" / "CHY-2026-0003.yaml"))
    pay(ws, "SJ0004", "2026-11-10", "黄丽", "3-1503", "定金", 80000)
    moved = amend(project / "deals" / "CHY-2026-0002.yaml", tmp_path / "moved.yaml", unit="2-2301")
    step("2026-11-12", lambda: api.change(ws, "room", deal_file=moved, approved_by="王强", date=dt.date(2026, 11, 12)))
    step(
        "2026-11-15",
        lambda: api.change(
            ws,
            "refund",
            deal_no="CHY-2026-0003",
            reason_code="买受人原因",
            approved_by="王强",
            date=dt.date(2026, 11, 15),
        ),
    )
    step("2026-11-20", lambda: api.deal_sign(ws, "CHY-2026-0002"))
    return ws, project
