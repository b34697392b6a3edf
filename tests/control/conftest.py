"""Fixtures for sales control: a project copy with its own ledger and deal files to amend."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from toolkit import api

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 11, 20)
ESCROW = "44250100003600001234"


@pytest.fixture
def office(tmp_path):
    """Return (workspace, project folder) for a fresh copy of the example project, all deals dated DAY."""
    project = tmp_path / "cuihu"
    shutil.copytree(ROOT / "examples" / "cuihu", project, ignore=shutil.ignore_patterns(".loupan"))
    for path in (project / "deals").glob("*.yaml"):
        amend(path, path, subscribe_date=DAY.isoformat(), sign_deadline=(DAY + dt.timedelta(days=7)).isoformat())
    return api.open_project(project), project


def amend(source: Path, target: Path, **changes) -> Path:
    """Write a copy of a deal file with some fields changed (a__b for nested fields)."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for key, value in changes.items():
        node = data
        *parents, last = key.split("__")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(last) if last.isdigit() else last] = value
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def state(ws, code: str):
    s = api.sales(ws)
    try:
        return s.unit(code)
    finally:
        s.ledger.close()


def receipt(ws, no: str, payer: str, unit: str, kind: str, amount, channel: str = "转账", account: str = ESCROW):
    return api.money_receipt(
        ws,
        no=no,
        date=DAY.isoformat(),
        payer=payer,
        unit=unit,
        kind=kind,
        amount=amount,
        channel=channel,
        account=account,
        cashier="钱晓",
    )
