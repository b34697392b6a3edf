"""Real files, real processes: 500 files dropped while `loupan watch` is killed with SIGKILL and restarted.

At the end each file is in exactly one place under the filed tree, with one ledger row and one report;
nothing is left in the inbox or the claim area; no file was recorded twice.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from toolkit.inbox.watcher import is_watching

ROOT = Path(__file__).resolve().parents[2]
N_FILES = 500
KILLS = 4


def unique(docx: bytes, n: int) -> bytes:
    """Return the same document with a different zip comment: same text, another SHA-256."""
    buf = io.BytesIO(docx)
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = f"copy {n}".encode()
    return buf.getvalue()


def corpus(documents: Path) -> list[tuple[str, bytes]]:
    clean = sorted(documents.glob("CHY-2026-000[123]-*.docx"))
    rng = random.Random(7)
    files = []
    for i in range(N_FILES):
        kind = rng.random()
        if kind < 0.7:
            src = clean[i % len(clean)]
            files.append((f"{i:04d}-{src.stem}.docx", unique(src.read_bytes(), i)))
        elif kind < 0.85:
            src = clean[i % len(clean)]
            files.append((f"{i:04d}-copy.docx", src.read_bytes()))  # exact duplicates
        else:
            files.append((f"{i:04d}-broken.docx", os.urandom(rng.randint(0, 4000))))
    return files


def start(cfg: dict[str, Path], log) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "toolkit.cli",
        "watch",
        "--project",
        str(cfg["project"]),
        "--inbox",
        str(cfg["inbox"]),
        "--filed",
        str(cfg["filed"]),
        "--stability",
        "0.2",
        "--rescan",
        "1",
        "--incomplete-grace",
        "0.5",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log, env=env)


def drop_all(files: list[tuple[str, bytes]], inbox: Path, pause: float = 0.1) -> None:
    """Drop the files into the inbox, half written aside and renamed in, with a pause every 25 files."""
    for i, (name, data) in enumerate(files):
        if i % 2:
            tmp = inbox / f".{name}.part"  # written aside, then renamed in: the usual way
            tmp.write_bytes(data)
            os.rename(tmp, inbox / name)
        else:
            (inbox / name).write_bytes(data)  # written in place: the stability delay covers it
        if i % 25 == 0:
            time.sleep(pause)


def filed_and_reported(filed: Path) -> tuple[Counter, Counter]:
    """Count each dropped file's copies and reports in the filed tree, by the name it was dropped under."""
    placed: Counter = Counter()
    reports: Counter = Counter()
    for outcome in ("accepted", "rejected", "quarantine", "duplicates"):
        for p in (filed / outcome).iterdir():
            name = p.name.split("__", 1)[1]
            if name.endswith(".report.json"):
                reports[name.removesuffix(".report.json")] += 1
            elif not name.endswith((".report.html", ".part")):
                placed[name] += 1
    return placed, reports


def wait_watching(proc: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until a watcher catches SIGTERM (it has started watching): a stop sent while it starts up kills it."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if is_watching(proc.pid):
            return
        time.sleep(0.1)
    raise AssertionError(f"watcher {proc.pid} did not start watching in {timeout} s")


def wait_until_empty(inbox: Path, claim: Path, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not list(inbox.iterdir()) and (not claim.exists() or not list(claim.iterdir())):
            return
        time.sleep(0.5)
    raise AssertionError(f"still waiting: inbox {sorted(os.listdir(inbox))[:5]}")


@pytest.mark.slow
def test_500_files_survive_random_sigkills(documents, tmp_path):
    cfg = {"project": tmp_path / "project", "inbox": tmp_path / "inbox", "filed": tmp_path / "filed"}
    shutil.copytree(ROOT / "examples" / "cuihu", cfg["project"])
    cfg["inbox"].mkdir()
    files = corpus(documents)
    rng = random.Random(11)
    with (tmp_path / "watch.log").open("w") as log:
        proc = start(cfg, log)
        dropper = threading.Thread(target=drop_all, args=(files, cfg["inbox"]))
        dropper.start()
        for _ in range(KILLS):
            time.sleep(rng.uniform(1.5, 4.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc = start(cfg, log)
        dropper.join()
        wait_until_empty(cfg["inbox"], cfg["filed"] / ".claimed", timeout=240)
        wait_watching(proc)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0

    placed, reports = filed_and_reported(cfg["filed"])
    names = Counter(name for name, _ in files)
    assert placed == names, "each dropped file is in exactly one place"
    assert reports == names, "each file has exactly one report"
    db = sqlite3.connect(cfg["project"] / ".loupan" / "ledger.sqlite")
    rows = db.execute("SELECT name, state FROM files").fetchall()
    assert Counter(name for name, _ in rows) == names, "one ledger row per file"
    assert {state for _, state in rows} == {"filed"}
    outcomes = dict(db.execute("SELECT outcome, COUNT(*) FROM files GROUP BY outcome").fetchall())
    assert outcomes.get("duplicates", 0) >= 1 and outcomes.get("quarantine", 0) >= 1
