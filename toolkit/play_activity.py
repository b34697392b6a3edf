"""Play a scripted month of activity into a copy of a project, through the api, for the demo and the tests.

python -m toolkit.play_activity PROJECT ACTIVITY.yaml COPY
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sys
from pathlib import Path
from unittest import mock

import yaml

from toolkit import api


@contextlib.contextmanager
def _clock(date: str):
    # the ledger stamps unit events (the 签约 date) with the clock: the script's day stands in for it
    with mock.patch("toolkit.ledger.sales.now", lambda: f"{date}T10:00:00.000+00:00"):
        yield


def play(project: Path, activity: Path, copy: Path) -> Path:
    """Copy the project (no ledger), date its deals by the script, and play every step."""
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".loupan"))
    steps = yaml.safe_load(Path(activity).read_text(encoding="utf-8"))
    _date_deals(copy, steps)
    ws = api.open_project(copy)
    for step in steps:
        with _clock(str(step["date"])):
            _step(ws, copy, step)
    return copy


def _deal_file(copy: Path, deal_no: str) -> Path:
    return copy / "deals" / f"{deal_no}.yaml"


def _date_deals(copy: Path, steps) -> None:
    for step in (s for s in steps if s["do"] == "subscribe"):
        path = _deal_file(copy, step["deal"])
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        day = dt.date.fromisoformat(str(step["date"]))
        data["subscribe_date"], data["sign_deadline"] = day.isoformat(), (day + dt.timedelta(days=7)).isoformat()
        if step.get("payment_due"):  # the script may move the balance's due date into the month
            data["payment"]["due_date"] = str(step["payment_due"])
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _step(ws, copy: Path, s: dict) -> None:
    day = dt.date.fromisoformat(str(s["date"]))
    if s["do"] == "subscribe":
        api.deal_subscribe(ws, _deal_file(copy, s["deal"]))
    elif s["do"] == "sign":
        api.deal_sign(ws, s["deal"])
    elif s["do"] == "receipt":
        escrow = ws.project.data["escrow_account"]["number"]
        fields = {k: str(s[k]) for k in ("payer", "unit", "kind", "amount")}
        api.money_receipt(
            ws, no=s["receipt_no"], **fields, date=day.isoformat(), channel="转账", account=escrow, cashier="钱晓"
        )
    elif s["do"] == "room":
        data = yaml.safe_load(_deal_file(copy, s["deal"]).read_text(encoding="utf-8")) | {"unit": s["unit"]}
        moved = copy / ".loupan" / f"{s['deal']}-room.yaml"
        moved.parent.mkdir(exist_ok=True)  # on a shared ledger the project has no .loupan of its own
        moved.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        api.change(ws, "room", deal_file=moved, approved_by=s["approved_by"], date=day)
    elif s["do"] == "refund":
        api.change(
            ws, "refund", deal_no=s["deal"], reason_code=s["reason_code"], approved_by=s["approved_by"], date=day
        )
    else:
        raise ValueError(f"unknown step {s['do']!r}")


if __name__ == "__main__":
    print(play(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
