"""Print the figures every benchmark recorded in this `make bench` run: median and min–max over its rounds.

Usage: summary.py FILE   (the LOUPAN_BENCH_SUMMARY file the benchmarks appended to)
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path


def main() -> None:
    path = Path(sys.argv[1])
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"\n== make bench summary: {len(rows)} figures (ratios measured side by side in each benchmark's run) ==")
    print(f"{'bench':10} {'measure':48} {'median':>8} {'min–max':>15} {'runs':>4}  {'target':18} met")
    for r in rows:
        v = r["values"]
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]
        spread = f"{min(v):.2f}–{max(v):.2f}"
        print(
            f"{r['bench']:10} {r['measure']:48} {statistics.median(v):8.2f} {spread:>15} {len(v):4}  {r['target']:18} {met}"
        )
    missed = [r for r in rows if r["met"] is False]
    print(f"targets missed: {len(missed)}" + "".join(f"\n  {r['bench']}: {r['measure']}" for r in missed))


if __name__ == "__main__":
    main()
