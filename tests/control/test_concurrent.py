"""Two processes subscribing one unit while a third holds the ledger's write lock: exactly one wins, every round."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import time

import pytest

from tests.control.conftest import amend
from toolkit import api
from toolkit.errors import ToolkitError
from toolkit.ledger.store import ledger_path

ROUNDS = 20


def _subscriber(ws, files, barrier, results) -> None:
    """Subscribe one deal file per round, each round as soon as the barrier lets the round start."""
    for i, path in enumerate(files):
        barrier.wait()
        try:
            api.deal_subscribe(ws, path)
            results.put((i, "ok"))
        except ToolkitError as exc:
            results.put((i, getattr(exc, "rule", str(exc))))


def _units(ws, n: int) -> list[str]:
    free = [c for c, u in ws.project.units.items() if c.startswith("1-") and u.status == "待售" and c != "1-1801"]
    return free[:n]


@pytest.mark.slow
def test_one_unit_is_sold_once_when_two_processes_race_behind_a_held_write_lock(office, tmp_path):
    ws, project = office
    source = project / "deals" / "CHY-2026-0001.yaml"
    files = {side: [] for side in "ab"}
    for r, unit in enumerate(_units(ws, ROUNDS)):
        for k, side in enumerate("ab"):
            no = f"CHY-2026-{5000 + 10 * r + k}"
            files[side].append(amend(source, tmp_path / f"{no}.yaml", deal_no=no, unit=unit))
    api.unit_show(ws, "1-1801")  # the ledger and its tables exist before the race
    ctx = mp.get_context("fork")  # the children share the opened project; each opens its own ledger connection
    barrier, results = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=_subscriber, args=(ws, files[s], barrier, results)) for s in "ab"]
    for p in procs:
        p.start()
    holder = sqlite3.connect(str(ledger_path(project)), timeout=30, isolation_level=None)
    outcomes: dict[int, list[str]] = {}
    try:
        for r in range(ROUNDS):
            holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock while both read and write
            barrier.wait()
            time.sleep(0.3)
            holder.execute("COMMIT")
            for _ in range(2):
                i, outcome = results.get(timeout=60)
                outcomes.setdefault(i, []).append(outcome)
    finally:
        holder.close()
        for p in procs:
            p.join(30)
    assert len(outcomes) == ROUNDS
    for r, got in outcomes.items():
        assert sorted(got) == ["ok", "unit.unavailable"], f"round {r}: {got}"
