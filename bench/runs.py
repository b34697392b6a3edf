"""Repeated timings for the benchmarks: median with min–max, and ratios measured side by side in one run."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    """Run fn `rounds` times; return the seconds each took."""
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def timed_command(cmd: list[str], rounds: int, cwd: Path | None = None) -> list[float]:
    """Run a command `rounds` times (it must succeed or fail as itself, not hang); return the seconds each took."""
    return timed(lambda: subprocess.run(cmd, cwd=cwd, capture_output=True, check=False), rounds)


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Time several alternatives in turn, round after round, so load on the machine falls on all of them."""
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            out[name] += timed(fn, 1)
    return out


def spread(times: list[float], unit: str = "s", scale: float = 1.0) -> str:
    """Write times as `median (min–max)`."""
    t = [x * scale for x in times]
    digits = 0 if unit == "ms" else 3
    return f"{statistics.median(t):.{digits}f} {unit} ({min(t):.{digits}f}–{max(t):.{digits}f})"


def ratio(times: list[float], anchor: list[float]) -> str:
    """Write the ratio of two medians, with the range of the ratios round by round."""
    per_round = [a / b for a, b in zip(times, anchor)]
    mid = statistics.median(times) / statistics.median(anchor)
    return f"{mid:.1f}x ({min(per_round):.1f}–{max(per_round):.1f})"


def record(bench: str, measure: str, values: list[float], target: str, met: bool | None = None) -> None:
    """Add a figure to the summary `make bench` prints at the end (LOUPAN_BENCH_SUMMARY names its file)."""
    import json
    import os

    path = os.environ.get("LOUPAN_BENCH_SUMMARY")
    if not path:
        return
    line = {"bench": bench, "measure": measure, "values": list(values), "target": target, "met": met}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line, ensure_ascii=False) + "\n")


def per_round(times: list[float], anchor: list[float]) -> list[float]:
    """Return the ratio of two timings round by round."""
    return [a / b for a, b in zip(times, anchor)]
