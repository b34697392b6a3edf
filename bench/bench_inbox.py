"""The inbox: latency from a file's last write to its verdict, and a drop of 1,000 files.

Runs `loupan watch` as a real process with default settings (stability 2 s) on a copy of the example
project. Latency: one DOCX written at a time, timed until its report appears (target: stability + 0.5 s).
Throughput: 1,000 distinct DOCX dropped at once; files per second, and the resident memory of the watcher
and its check worker sampled through the run (it should stay flat). Floor, measured in the same run: the
time it takes just to unzip and parse the same 1,000 files (target: the drop within 10x of it, >= 50 files/s).
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
from runs import record  # noqa: E402

from toolkit import api  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cuihu"
STABILITY = 2.0
N_DROP = int(sys.argv[1]) if len(sys.argv) > 1 else 1000


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


def floor(staging: Path) -> float:
    """Return the seconds it takes just to unzip and parse the dropped files (read, unzip, XML), in one process."""
    from toolkit.read.document import read_docx

    files = sorted(staging.iterdir())
    start = time.monotonic()
    for p in files:
        read_docx(p, p.read_bytes())
    return time.monotonic() - start


def throughput(pid: int, inbox: Path, filed: Path, sources: list[bytes]) -> None:
    before = reports(filed)
    staging = inbox.parent / "staging"
    staging.mkdir()
    for i in range(N_DROP):
        (staging / f"drop-{i:04d}.docx").write_bytes(unique(sources[i % len(sources)], i))
    parse = floor(staging)
    start = time.monotonic()
    for p in staging.iterdir():
        os.rename(p, inbox / p.name)
    samples = []
    while reports(filed) - before < N_DROP:
        samples.append(rss_kb(pid))
        time.sleep(0.5)
    elapsed = time.monotonic() - start
    quarter = max(len(samples) // 4, 1)
    print(
        f"inbox drop of {N_DROP} files: {elapsed:.1f} s, {N_DROP / elapsed:.1f} files/s; memory (watcher + "
        f"worker) first quarter avg {statistics.mean(samples[:quarter]) / 1024:.0f} MB, last quarter avg "
        f"{statistics.mean(samples[-quarter:]) / 1024:.0f} MB, max {max(samples) / 1024:.0f} MB"
    )
    print(
        f"floor, unzip and parse the same {N_DROP} files: {parse:.1f} s ({N_DROP / parse:.0f} files/s); "
        f"inbox / floor = {elapsed / parse:.1f}x (target <= 10x, and >= 50 files/s)"
    )
    record("inbox", f"drop of {N_DROP} DOCX: files/s", [N_DROP / elapsed], ">= 50 files/s", N_DROP / elapsed >= 50)
    record("inbox", "drop / unzip+parse floor", [elapsed / parse], "<= 10x", elapsed / parse <= 10)
    growth = statistics.mean(samples[-quarter:]) / statistics.mean(samples[:quarter])
    record("inbox", "memory last quarter / first quarter", [growth], "flat (<= 1.1)", growth <= 1.1)


if __name__ == "__main__":
    main()
