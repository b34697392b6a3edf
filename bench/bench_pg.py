"""Several inbox workers on one PostgreSQL ledger against the single SQLite worker, in the same run.

A drop of N files (1,000 by default; `bench_pg.py N ROUNDS`) into one inbox: seconds from the first file
renamed in until every report is written (after a first drop of 64 files that starts each worker's check
processes, as a watcher running all day has them), with 1, 2 and 4 `loupan watch` processes on a
throwaway PostgreSQL cluster, and with the one worker SQLite allows, the runs interleaved round after round
so the machine's load falls on all of them. CPU seconds of the watchers, their check workers and the database
during each drop say what a run was waiting for (a run that leaves a core idle is bound by its latency,
not by the machine), and per file whether more workers add work. Resident memory of each worker (with its
check pool) sampled through each drop: the last quarter against the second, once each worker's check pool
has started (flat: at most 1.1). Claim time: 4 processes recording claims at once on one project, each
`Ledger.claim` timed (median, 95th percentile), and the take-over query.
Needs PostgreSQL (LOUPAN_PG_BIN, else /usr/lib/postgresql/15/bin); without it, says so and exits 0.
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

from bench.bench_inbox import children, reports, rss_kb, unique  # noqa: E402
from bench.runs import record  # noqa: E402
from tests.pg.cluster import Cluster, missing  # noqa: E402
from toolkit.inbox.watcher import is_watching  # noqa: E402

EXAMPLE = ROOT / "examples" / "cuihu"
N_DROP = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 1
RUNS = [(False, 1), (True, 1), (True, 2), (True, 4)]  # (PostgreSQL, workers)
WARM = 64  # files dropped and judged before the timed drop: each worker has started its check processes
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """Return the CPU time a process has used (user and system), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def ready(proc: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until a watcher catches SIGTERM, which it does once it watches."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if is_watching(proc.pid):
            return
        time.sleep(0.1)
    raise RuntimeError(f"watcher {proc.pid} did not start in {timeout} s")


class Usage:
    """CPU seconds of the watchers, their check workers and the database server, from one snapshot to the next."""

    def __init__(self, procs: list[subprocess.Popen], cluster: Cluster | None):
        self.procs, self.cluster = procs, cluster
        self.start = self.now()

    def now(self) -> tuple[float, float, float]:
        watchers = sum(cpu_seconds(p.pid) for p in self.procs)
        checks = sum(cpu_seconds(c) for p in self.procs for c in children(p.pid))
        server = 0.0
        if self.cluster is not None:
            postmaster = int((self.cluster.data / "postmaster.pid").read_text().split()[0])
            server = sum(cpu_seconds(c) for c in [postmaster, *children(postmaster)])
        return watchers, checks, server

    def since(self) -> tuple[float, float, float]:
        end = self.now()
        return end[0] - self.start[0], end[1] - self.start[1], end[2] - self.start[2]


def drop(tmp: Path, sources: list[bytes], url: str | None, workers: int, cluster: Cluster) -> dict:
    """Time one drop; return its seconds, CPU use and each worker's memory (second and last quarter)."""
    run = Path(tempfile.mkdtemp(prefix=f"run-{workers}-", dir=tmp))
    project, inbox, filed, staging = run / "project", run / "inbox", run / "filed", run / "staging"
    shutil.copytree(EXAMPLE, project)
    inbox.mkdir()
    staging.mkdir()
    for i in range(N_DROP + WARM):
        (staging / f"f{i:04d}.docx").write_bytes(unique(sources[i % len(sources)], i))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "toolkit.cli", "watch", "--project", str(project), "--inbox", str(inbox),
           "--filed", str(filed), "--stability", "0.5", "--rescan", "5"] + (["--db", url] if url else [])  # fmt: skip
    procs = [subprocess.Popen(cmd, stderr=subprocess.DEVNULL, env=env) for _ in range(workers)]
    try:
        for p in procs:
            ready(p)
        for p in sorted(staging.iterdir())[N_DROP:]:  # a first drop starts every worker's check pool, as in a day
            os.rename(p, inbox / p.name)
        while reports(filed) < WARM:
            time.sleep(0.25)
        start, usage, memory = time.monotonic(), Usage(procs, cluster if url else None), []
        for p in sorted(staging.iterdir()):
            os.rename(p, inbox / p.name)
        while (done := reports(filed) - WARM) < N_DROP:
            memory.append((done, [rss_kb(p.pid) for p in procs]))
            time.sleep(0.25)
        seconds, cpu = time.monotonic() - start, usage.since()
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(60)
    shutil.rmtree(run, ignore_errors=True)
    quarter = max(len(memory) // 4, 1)  # the second quarter: each worker's check pool has started by then
    first = [statistics.mean(kb[k] for _, kb in memory[quarter : 2 * quarter]) for k in range(workers)]
    last = [statistics.mean(kb[k] for _, kb in memory[-quarter:]) for k in range(workers)]
    return {"seconds": seconds, "cpu": cpu, "first": first, "last": last}


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
    """Time claims recorded by several processes at once on one project."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claims, args=(url, k, n, out)) for k in range(workers)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join()
    times = sorted(t for ts, _ in results for t in ts)
    median, p95 = statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000
    takeover = statistics.median(t for _, t in results) * 1000
    print(
        f"claim with {workers} workers competing: median {median:.2f} ms, p95 {p95:.2f} ms ({len(times)} claims); "
        f"take-over query {takeover:.1f} ms for {n} rows"
    )
    record("pg", f"claim, {workers} competing: median ms", [median], "-")
    record("pg", f"claim, {workers} competing: p95 ms", [p95], "-")


def report(label: str, runs: list[dict], base: list[dict], one: list[dict], workers: int) -> None:
    """Print and record one configuration's rounds."""
    rate = [N_DROP / r["seconds"] for r in runs]
    vs_sqlite = [b["seconds"] / r["seconds"] for r, b in zip(runs, base)]
    growth = [last / first for r in runs for first, last in zip(r["first"], r["last"])]
    cores = len(os.sched_getaffinity(0))
    cpu = [sum(r["cpu"]) / r["seconds"] / cores * 100 for r in runs]
    w, c, s = (statistics.median(r["cpu"][k] for r in runs) for k in range(3))
    per_file = [sum(r["cpu"]) / N_DROP * 1000 for r in runs]  # the same when more workers add no work
    print(
        f"{N_DROP} files, {label} x{workers}: {statistics.median(r['seconds'] for r in runs):.1f} s, "
        f"{statistics.median(rate):.1f} files/s ({statistics.median(vs_sqlite):.2f}x the SQLite worker); "
        f"CPU {statistics.median(cpu):.0f}% of {cores} cores (watchers {w:.1f} s, checks {c:.1f} s, database "
        f"{s:.1f} s; {statistics.median(per_file):.0f} ms a file); memory per worker {statistics.mean(r['first'][0] for r in runs) / 1024:.0f} MB, last "
        f"quarter / second {max(growth):.2f} at most; load {os.getloadavg()[0]:.1f}"
    )
    record("pg", f"{label} x{workers}: files/s", rate, "-")
    record("pg", f"{label} x{workers} / SQLite x1", vs_sqlite, "-")
    record("pg", f"{label} x{workers}: CPU ms a file (all processes)", per_file, "-")
    record("pg", f"{label} x{workers}: memory last/second quarter", [max(growth)], "flat (<= 1.1)", max(growth) <= 1.1)
    if workers > 1:
        gain = [o["seconds"] / r["seconds"] for r, o in zip(runs, one)]
        print(f"  {workers} PostgreSQL workers / 1: {statistics.median(gain):.2f}x")
        record("pg", f"PostgreSQL x{workers} / x1", gain, "> 1 when x1 leaves a core idle")


def main() -> None:
    why = missing()
    if why:
        print(f"bench_pg: skipped, {why}")
        return
    from toolkit import api

    cluster = Cluster()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            ws = api.open_project(EXAMPLE)
            api.render(ws, deals=api.deal_files(ws), docs=["subscription", "contract"], out=tmp_path / "docs")
            sources = [p.read_bytes() for p in sorted((tmp_path / "docs").glob("*.docx"))]
            results: dict[tuple[bool, int], list[dict]] = {run: [] for run in RUNS}
            for n in range(ROUNDS):
                for pg, workers in RUNS:
                    db = _upgraded(cluster.create(f"bench{workers}_{n}")) if pg else None  # an empty database
                    results[(pg, workers)].append(drop(tmp_path, sources, db, workers, cluster))
            base, one = results[(False, 1)], results[(True, 1)]
            for pg, workers in RUNS:
                report("PostgreSQL" if pg else "SQLite", results[(pg, workers)], base, one, workers)
            claim_time(_upgraded(cluster.create("claims")))
    finally:
        cluster.stop()


def _upgraded(url: str) -> str:
    subprocess.run([sys.executable, "-m", "toolkit.cli", "db", "upgrade", "--db", url], check=True, capture_output=True)
    return url


if __name__ == "__main__":
    main()
