"""Several inbox workers on one PostgreSQL ledger against the single SQLite worker, in the same run.

A drop of N files (1,000 by default; `bench_pg.py N`) into one inbox: seconds until every report is
written, with 1, 2 and 4 `loupan watch` processes on a throwaway PostgreSQL cluster, and with the one
worker SQLite allows. Resident memory of all the workers (with their check pools) sampled through each
drop: it should stay flat. Claim time: 4 processes recording claims at once on one project, each
`Ledger.claim` timed (median and 95th percentile), and the take-over query (`FOR UPDATE SKIP LOCKED`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_inbox import reports, rss_kb, unique  # noqa: E402
from tests.pg.cluster import Cluster  # noqa: E402
from toolkit import api  # noqa: E402

EXAMPLE = ROOT / "examples" / "cuihu"
N_DROP = int(sys.argv[1]) if len(sys.argv) > 1 else 1000


def drop(tmp: Path, sources: list[bytes], url: str | None, workers: int) -> tuple[float, int, int]:
    """Time one drop; return (seconds, peak memory kB, memory kB at the first quarter)."""
    run = tmp / f"run-{workers}-{'pg' if url else 'sqlite'}"
    project, inbox, filed = run / "project", run / "inbox", run / "filed"
    shutil.copytree(EXAMPLE, project)
    inbox.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "toolkit.cli", "watch", "--project", str(project), "--inbox", str(inbox),
           "--filed", str(filed), "--stability", "0.5", "--rescan", "5"] + (["--db", url] if url else [])  # fmt: skip
    procs = [subprocess.Popen(cmd, stderr=subprocess.DEVNULL, env=env) for _ in range(workers)]
    try:
        time.sleep(5)  # each watcher opens the project and starts its check pool
        for i in range(N_DROP):
            part = inbox / f".f{i}.part"
            part.write_bytes(unique(sources[i % len(sources)], i))
            os.rename(part, inbox / f"f{i:04d}.docx")
        start, memory = time.monotonic(), []
        while (done := reports(filed)) < N_DROP:
            memory.append((done, sum(rss_kb(p.pid) for p in procs)))
            time.sleep(0.25)
        seconds = time.monotonic() - start
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(60)
    early = [kb for done, kb in memory if done <= N_DROP // 4] or [0]
    return seconds, max(kb for _, kb in memory) if memory else 0, max(early)


def _claims(url: str, k: int, n: int, out) -> None:
    from toolkit.ledger.store import Ledger

    ledger = Ledger(url, "BENCH", lease=30)
    times = []
    for i in range(n):
        start = time.perf_counter()
        ledger.claim(f"{i}.docx", Path(f"/claimed/{k}-{i}__{i}.docx"), 1)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    ledger.unfinished()
    out.put((times, time.perf_counter() - start))
    ledger.close()


def claim_time(url: str, workers: int = 4, n: int = 250) -> None:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claims, args=(url, k, n, out)) for k in range(workers)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join()
    times = sorted(t for ts, _ in results for t in ts)
    p95 = times[int(len(times) * 0.95)]
    print(
        f"claim with {workers} workers competing: median {statistics.median(times) * 1000:.2f} ms, "
        f"p95 {p95 * 1000:.2f} ms ({len(times)} claims); take-over query "
        f"{statistics.median(t for _, t in results) * 1000:.1f} ms for {n} rows"
    )


def main() -> None:
    cluster = Cluster()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            ws = api.open_project(EXAMPLE)
            api.render(ws, deals=api.deal_files(ws), docs=["subscription", "contract"], out=tmp_path / "docs")
            sources = [p.read_bytes() for p in sorted((tmp_path / "docs").glob("*.docx"))]
            base = None
            for pg, workers in [(False, 1), (True, 1), (True, 2), (True, 4)]:
                db = _upgraded(cluster.create(f"bench{workers}")) if pg else None  # each run on an empty database
                seconds, peak, early = drop(tmp_path, sources, db, workers)
                base = base or seconds
                print(
                    f"{N_DROP} files, {'PostgreSQL' if db else 'SQLite'} x{workers} worker(s): {seconds:.1f} s "
                    f"({N_DROP / seconds:.0f} files/s, {base / seconds:.2f}x the SQLite worker); "
                    f"memory peak {peak / 1024:.0f} MB, {early / 1024:.0f} MB at the first quarter"
                )
            claim_time(_upgraded(cluster.create("claims")))
    finally:
        cluster.stop()


def _upgraded(url: str) -> str:
    subprocess.run([sys.executable, "-m", "toolkit.cli", "db", "upgrade", "--db", url], check=True, capture_output=True)
    return url


if __name__ == "__main__":
    main()
