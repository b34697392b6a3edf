"""Three workers on one inbox and one PostgreSQL ledger, killed with SIGKILL at random and restarted.

At the end every file is in exactly one place with one ledger row and one report, nothing is left in the
inbox or the claim area, and no unit was sold to two deals. 1,000 files, as the issue names; the kills go on
while the drop is being worked through (not only while it arrives), a restarted worker given time to start.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from tests.inbox.conftest import documents  # noqa: F401 - the rendered documents, a session fixture
from tests.inbox.test_reliability import drop_all, filed_and_reported, unique, wait_until_empty, wait_watching

ROOT = Path(__file__).resolve().parents[2]
N_FILES = 1000
WORKERS = 3
KILLS = 10
LEASE = "2"
DROP_PAUSE = 0.3  # seconds every 25 files: the drop arrives over 12 s, longer than KILLS // 2 kills can take
KILL_EVERY = (0.6, 2.0)  # seconds between kills, a restarted worker given time to start


def corpus(docs: Path) -> list[tuple[str, bytes]]:
    """Clean forms (two deals compete for unit 1-1801), exact copies and broken files."""
    clean = sorted(docs.glob("CHY-2026-000[1239]-*.docx"))
    rng = random.Random(5)
    files = []
    for i in range(N_FILES):
        kind, src = rng.random(), clean[i % len(clean)]
        if kind < 0.7:
            files.append((f"{i:04d}-{src.stem}.docx", unique(src.read_bytes(), i)))
        elif kind < 0.85:
            files.append((f"{i:04d}-copy.docx", src.read_bytes()))
        else:
            files.append((f"{i:04d}-broken.docx", os.urandom(rng.randint(0, 4000))))
    return files


def start(cfg: dict[str, Path], url: str, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "toolkit.cli", "watch", "--project", str(cfg["project"]), "--inbox", str(cfg["inbox"]),
           "--filed", str(cfg["filed"]), "--db", url, "--stability", "0.2", "--rescan", "1",
           "--incomplete-grace", "0.5"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOUPAN_LEASE": LEASE}
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log, env=env)


def _left(cfg: dict[str, Path]) -> int:
    """Count the files still in the inbox or the claim area."""
    claimed = cfg["filed"] / ".claimed"
    return len(os.listdir(cfg["inbox"])) + (len(os.listdir(claimed)) if claimed.exists() else 0)


@pytest.mark.slow
def test_three_workers_survive_random_sigkills(documents, pg_url, tmp_path):  # noqa: F811
    cfg = {"project": tmp_path / "project", "inbox": tmp_path / "inbox", "filed": tmp_path / "filed"}
    shutil.copytree(ROOT / "examples" / "cuihu", cfg["project"])
    cfg["inbox"].mkdir()
    files = corpus(documents)
    rng = random.Random(13)
    with (tmp_path / "watch.log").open("w") as log:
        procs = [start(cfg, pg_url, log) for _ in range(WORKERS)]
        try:
            dropper = threading.Thread(target=drop_all, args=(files, cfg["inbox"], DROP_PAUSE))
            dropper.start()
            killed = 0
            for _ in range(KILLS):
                time.sleep(rng.uniform(*KILL_EVERY))
                if not dropper.is_alive() and not _left(cfg):
                    break  # all judged: nothing in flight to kill
                k = rng.randrange(WORKERS)
                procs[k].send_signal(signal.SIGKILL)
                procs[k].wait()
                procs[k] = start(cfg, pg_url, log)
                killed += 1
            dropper.join()
            assert killed >= KILLS // 2, f"only {killed} workers were killed before the drop was judged"
            wait_until_empty(cfg["inbox"], cfg["filed"] / ".claimed", timeout=600)
            for p in procs:
                wait_watching(p)
            for p in procs:
                p.send_signal(signal.SIGTERM)
            assert [p.wait(60) for p in procs] == [0] * WORKERS
        finally:
            for p in procs:  # a failed assertion leaves no worker running into the next test
                if p.poll() is None:
                    p.kill()
                    p.wait()

    placed, reports = filed_and_reported(cfg["filed"])
    names = Counter(name for name, _ in files)
    assert placed == names, "each dropped file is in exactly one place"
    assert reports == names, "each file has exactly one report"
    with psycopg.connect(pg_url) as db:
        rows = db.execute("SELECT name, state FROM files WHERE project='CHY'").fetchall()
        sold = db.execute(
            "SELECT unit, COUNT(DISTINCT deal_no) FROM files WHERE project='CHY' AND outcome='accepted' "
            "AND document IN ('subscription', 'contract') GROUP BY unit"
        ).fetchall()
        held = dict(db.execute("SELECT code, deal_no FROM units WHERE project='CHY'").fetchall())
        judged_twice = db.execute(
            "SELECT sha256 FROM files WHERE project='CHY' AND outcome IN ('accepted', 'rejected') "
            "GROUP BY sha256 HAVING COUNT(*) > 1"
        ).fetchall()
    assert Counter(name for name, _ in rows) == names, "one ledger row per file"
    assert {state for _, state in rows} == {"filed"}
    assert sold and all(n == 1 for _, n in sold), f"a unit sold to two deals: {sold}"
    assert held["1-1801"] in ("CHY-2026-0001", "CHY-2026-0009")
    assert judged_twice == [], "a copy is a duplicate of the first, whichever worker judged each"
