"""Files in flight held by workers through the database: leases, take-over of a dead worker's files, no file twice."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from toolkit.ledger.store import Ledger

LEASE = 1.0  # short, for the test; a beat every third of it, late under a loaded CI machine


@pytest.fixture
def workers(pg_url):
    """Open three workers' ledgers on one project of an emptied database; close them at the end."""
    from tests.pg.cluster import truncate

    truncate(pg_url)
    opened = [Ledger(pg_url, "CHY", lease=LEASE) for _ in range(3)]
    yield opened
    for ledger in opened:
        ledger.close()


def test_a_live_workers_files_are_left_alone_and_a_dead_ones_are_taken_over_once(workers):
    a, b, c = workers
    held = [a.claim(f"{i}.pdf", Path(f"/claimed/a-{i}__{i}.pdf"), 1) for i in range(5)]
    time.sleep(LEASE * 2)  # longer than the lease: a's heartbeat keeps renewing it
    assert b.unfinished() == [] and c.unfinished() == []
    assert [r.id for r in a.unfinished()] == held  # its own files, to finish after a restart of its loop
    a.heartbeat.stop()  # a dies: nothing renews its leases any more
    time.sleep(LEASE * 1.5)
    taken = b.unfinished()
    assert [r.id for r in taken] == held
    assert c.unfinished() == []  # b holds them now, under a lease of its own
    time.sleep(LEASE * 2)
    assert c.unfinished() == []  # and b's heartbeat renews it


def test_workers_taking_over_at_once_share_the_files_without_overlap(workers, pg_url):
    a, b, c = workers
    held = [a.claim(f"{i}.pdf", Path(f"/claimed/x-{i}__{i}.pdf"), 1) for i in range(60)]
    a.heartbeat.stop()
    time.sleep(LEASE * 1.5)
    got: dict[int, list[int]] = {}
    go = threading.Barrier(2)

    def take(k: int, ledger: Ledger) -> None:
        go.wait()
        got[k] = [r.id for r in ledger.unfinished()]

    threads = [threading.Thread(target=take, args=(k, w)) for k, w in enumerate((b, c))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(got[0] + got[1]) == held, "every lapsed file taken over exactly once"


def test_an_orphan_claim_is_adopted_by_one_worker_only(workers):
    a, b, _ = workers
    claim = Path("/claimed/dead-1__x.pdf")
    first, second = b.adopt("x.pdf", claim, 3), a.adopt("x.pdf", claim, 3)
    assert first is not None and second is None


def test_a_shared_ledger_needs_its_project(pg_url):
    from toolkit.errors import UsageError

    with pytest.raises(UsageError, match="共用台账需要项目编号"):
        Ledger(pg_url)


def test_a_lock_is_asked_for_once_a_transaction_and_held_until_it_ends(pg_url):
    import hashlib

    from toolkit.ledger.db import Db

    a, b = Db(pg_url), Db(pg_url)
    number = int.from_bytes(hashlib.blake2b(b"CHY/unit/1-1801", digest_size=8).digest(), "big", signed=True)
    sent: list[str] = []
    real = a.execute
    a.execute = lambda sql, args=(): sent.append(sql) or real(sql, args)  # type: ignore[method-assign]

    def free() -> bool:
        with b.tx():
            return bool(b.one("SELECT pg_try_advisory_xact_lock(?) AS ok", (number,))["ok"])

    with a.tx():
        a.lock("CHY", "unit", "1-1801")
        a.lock("CHY", "unit", "1-1801")  # the unit read again in the same verdict
        assert not free(), "another connection waits for it"
    assert free(), "released with the transaction"
    with a.tx():
        a.lock("CHY", "unit", "1-1801")  # a new transaction asks again
        assert not free()
    assert sum("pg_advisory_xact_lock" in s for s in sent) == 2
    a.close()
    b.close()
