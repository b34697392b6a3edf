"""Start-up: `loupan --help` against `python -c pass`, side by side in the same run (target: within 5×).

Each round runs both commands once, alternating, so load on the machine weighs on both alike. Prints the
median and min–max of each, and the ratio of the medians.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
TARGET = 5.0
LOUPAN = Path(sys.executable).with_name("loupan")
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "loupan --help": [str(LOUPAN), "--help"],
}


def once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(ROUNDS):
        for name, argv in COMMANDS.items():
            times[name].append(once(argv))
    for name, ts in times.items():
        print(
            f"{name:16} median {statistics.median(ts) * 1000:6.0f} ms  (min–max {min(ts) * 1000:.0f}–{max(ts) * 1000:.0f} ms)"
        )
    ratio = statistics.median(times["loupan --help"]) / statistics.median(times["python -c pass"])
    print(f"loupan --help / python -c pass: {ratio:.1f}× (target within {TARGET:g}×)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
