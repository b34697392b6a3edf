"""The inbox: latency from a file's last write to its verdict, and a drop of 1,000 files.

Runs `loupan watch` as a real process with default settings (stability 2 s) on a copy of the example
project. Latency: one DOCX written at a time, timed until its report appears (target: stability + 0.5 s).
Throughput: 1,000 distinct DOCX dropped at once, several rounds into the same watcher; files per second,
the CPU time per file of the watcher and its check workers (user + sys: the figure other load on the machine
changes least), and their resident memory sampled through the rounds (it should stay flat). Floor, measured
in each round just before its drop: the time it takes just to unzip and parse the same files, in one process
(target: the drop within 10x of it, >= 50 files/s).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runs import per_round, ratio, record, spread  # noqa: E402

from toolkit import api  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cuihu"
STABILITY = 2.0
N_DROP = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
TICK = os.sysconf("SC_CLK_TCK")


def unique(data: bytes, n: int) -> bytes:
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = f"bench {n}".encode()
    return buf.getvalue()


def rss_kb(pid: int) -> int:
    """Return the resident memory of a process and its children, in kB."""
    total = 0
    for p in [pid] + children(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time of a process and its children so far."""
    total = 0
    for p in [pid] + children(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / TICK


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return out


def reports(filed: Path) -> int:
    return sum(
        1
        for o in ("accepted", "rejected", "quarantine", "duplicates")
        if (filed / o).is_dir()
        for p in (filed / o).iterdir()
        if p.name.endswith(".report.json")
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project, inbox, filed = tmp / "project", tmp / "inbox", tmp / "filed"
        shutil.copytree(EXAMPLE, project)
        inbox.mkdir()
        ws = api.open_project(project)
        api.render(ws, deals=api.deal_files(ws), docs=["subscription", "contract"], out=tmp / "docs")
        sources = [p.read_bytes() for p in sorted((tmp / "docs").glob("*.docx"))]
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "toolkit.cli",
                "watch",
                "--project",
                str(project),
                "--inbox",
                str(inbox),
                "--filed",
                str(filed),
                "--stability",
                str(STABILITY),
            ],
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            time.sleep(4)  # the watcher opens the project and starts its worker
            latency(inbox, filed, sources)
            throughput(proc.pid, inbox, filed, sources)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)


def latency(inbox: Path, filed: Path, sources: list[bytes]) -> None:
    times = []
    for i in range(5):
        before = reports(filed)
        (inbox / f"latency-{i}.docx").write_bytes(unique(sources[i % len(sources)], 10_000 + i))
        written = time.monotonic()
        while reports(filed) == before:
            time.sleep(0.01)
        times.append(time.monotonic() - written)
    print(
        f"inbox latency, last write to verdict: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
        f"(stability {STABILITY:.1f} s; target <= {STABILITY + 0.5:.1f} s)"
    )


def floor(staging: Path) -> tuple[float, float]:
    """Return the seconds and CPU seconds it takes just to unzip and parse the dropped files, in one process."""
    from toolkit.read.document import read_docx

    files = sorted(staging.iterdir())
    start, cpu = time.monotonic(), time.process_time()
    for p in files:
        read_docx(p, p.read_bytes())
    return time.monotonic() - start, time.process_time() - cpu


def throughput(pid: int, inbox: Path, filed: Path, sources: list[bytes]) -> None:
    rounds: dict[str, list[float]] = {k: [] for k in ("elapsed", "floor", "cpu", "floor_cpu")}
    samples: list[int] = []
    for r in range(ROUNDS):
        drop(pid, inbox, filed, sources, r, rounds, samples)
    elapsed, parse = rounds["elapsed"], rounds["floor"]
    rates = [N_DROP / e for e in elapsed]
    cpu_ms = [1000 * c / N_DROP for c in rounds["cpu"]]
    floor_ms = [1000 * c / N_DROP for c in rounds["floor_cpu"]]
    quarter = max(len(samples) // 4, 1)
    first, last = statistics.mean(samples[:quarter]) / 1024, statistics.mean(samples[-quarter:]) / 1024
    print(
        f"inbox drop of {N_DROP} files, {ROUNDS} rounds: {spread(elapsed)}, "
        f"{statistics.median(rates):.1f} files/s ({min(rates):.1f}–{max(rates):.1f}); memory (watcher + workers) "
        f"first quarter avg {first:.0f} MB, last quarter avg {last:.0f} MB, max {max(samples) / 1024:.0f} MB"
    )
    print(
        f"floor, unzip and parse the same {N_DROP} files: {spread(parse)}; inbox / floor = {ratio(elapsed, parse)} "
        f"(target <= 10x, and >= 50 files/s)"
    )
    print(
        f"CPU per file (user + sys, watcher + workers): {spread(cpu_ms, 'ms')} per file; floor {spread(floor_ms, 'ms')}"
        f"; inbox / floor = {ratio(cpu_ms, floor_ms)} (the figure load changes least)"
    )
    record("inbox", f"drop of {N_DROP} DOCX: files/s", rates, ">= 50 files/s", statistics.median(rates) >= 50)
    ratios = per_round(elapsed, parse)
    record("inbox", "drop / unzip+parse floor", ratios, "<= 10x", statistics.median(ratios) <= 10)
    record("inbox", "CPU per file: ms (watcher + workers)", cpu_ms, "load-independent figure", None)
    record("inbox", "CPU per file / floor's CPU per file", per_round(cpu_ms, floor_ms), "<= 10x",
           statistics.median(per_round(cpu_ms, floor_ms)) <= 10)  # fmt: skip
    record("inbox", "memory last quarter / first quarter", [last / first], "flat (<= 1.1)", last / first <= 1.1)


def drop(pid: int, inbox: Path, filed: Path, sources: list[bytes], r: int, rounds: dict, samples: list) -> None:
    """Drop N_DROP new files at once; add the round's times and memory samples."""
    before = reports(filed)
    staging = inbox.parent / f"staging-{r}"
    staging.mkdir()
    for i in range(N_DROP):
        (staging / f"drop-{r}-{i:04d}.docx").write_bytes(unique(sources[i % len(sources)], r * N_DROP + i))
    parse, parse_cpu = floor(staging)
    start, cpu = time.monotonic(), cpu_seconds(pid)
    for p in staging.iterdir():
        os.rename(p, inbox / p.name)
    while reports(filed) - before < N_DROP:
        samples.append(rss_kb(pid))
        time.sleep(0.5)
    rounds["elapsed"].append(time.monotonic() - start)
    rounds["cpu"].append(cpu_seconds(pid) - cpu)
    rounds["floor"].append(parse)
    rounds["floor_cpu"].append(parse_cpu)


if __name__ == "__main__":
    main()
