"""Two offices subscribe the same unit at the same moment, on one PostgreSQL ledger: one wins, every round."""

from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from tests.control.conftest import amend
from tests.control.test_concurrent import _subscriber
from toolkit import api

ROUNDS = 30


def _office(project, url, files, barrier, results) -> None:
    """One office on the shared ledger: its own process and connection, subscribing as the SQLite race does."""
    os.environ["LOUPAN_DB"] = url
    _subscriber(api.open_project(project), files, barrier, results)


@pytest.mark.slow
def test_one_unit_is_sold_once_when_two_offices_race(project_copy, pg_url, tmp_path):
    ws = api.open_project(project_copy)
    free = [c for c, u in ws.project.units.items() if u.status == "待售" and c.startswith("1-") and c != "1-1801"]
    source = project_copy / "deals" / "CHY-2026-0001.yaml"
    files: dict[str, list] = {side: [] for side in "ab"}
    for r, unit in enumerate(free[:ROUNDS]):
        for k, side in enumerate("ab"):
            no = f"CHY-2026-{6000 + 10 * r + k}"
            files[side].append(amend(source, tmp_path / f"{no}.yaml", deal_no=no, unit=unit))
    ctx = mp.get_context("spawn")  # each office its own process and connection, as on two machines
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_office, args=(project_copy, pg_url, files[s], barrier, results)) for s in "ab"]
    for p in procs:
        p.start()
    outcomes: dict[int, list[str]] = {}
    for _ in range(2 * ROUNDS):
        i, outcome = results.get(timeout=120)
        outcomes.setdefault(i, []).append(outcome)
    for p in procs:
        p.join(30)
    assert len(outcomes) == ROUNDS
    for i, pair in outcomes.items():
        assert sorted(pair) == ["ok", "unit.unavailable"], (i, pair)
    os.environ["LOUPAN_DB"] = pg_url
    try:
        s = api.sales(api.open_project(project_copy))
        sold = [s.unit(c) for c in free[:ROUNDS]]
        s.close()
    finally:
        del os.environ["LOUPAN_DB"]
    assert all(u.status == "已认购" and u.deal_no for u in sold)
