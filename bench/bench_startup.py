"""Start-up: `loupan check` of one DOCX, and where its time goes, against `python -c pass` in the same run.

Each figure is a fresh process (what a person waits for at the command line), after one untimed run of each
command (bytecode written, the cache filled, as after a first use), median and min–max over the rounds, interleaved with the anchor (and with the older tree, when one is given). The breakdown runs the same steps in a child process: imports, opening
the pack, loading the project (its price list validated), the check itself.

Usage: bench_startup.py [ROUNDS] [--base DIR]   (DIR: an older checkout to measure side by side, e.g. from
`git worktree add /tmp/base main`; its toolkit is imported from there)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runs import per_round, ratio, record, spread  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cuihu"
ROUNDS = int(next((a for a in sys.argv[1:] if a.isdigit()), 7))
NAMES = ("python -c pass", "loupan --help", "loupan check (1 DOCX)")
TARGET = 12  # a one-file check within 12x of `python -c pass`
# Python as a person runs it: compiled modules are kept (PYTHONDONTWRITEBYTECODE would recompile every module
# of the tree in each process, a cost `python -c pass` does not pay).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

STEPS = """
import json, sys, time
t0 = time.perf_counter()
from toolkit import api
from toolkit.checks.inputs import load_project
from toolkit.pack.manifest import load_pack
t1 = time.perf_counter()
pack = load_pack(api.templates_dir() / "prc-presale")
t2 = time.perf_counter()
load_project(sys.argv[1], pack)
t3 = time.perf_counter()
ws = api.open_project(sys.argv[1])
t4 = time.perf_counter()
assert api.check(ws, [sys.argv[2]]).findings == []
t5 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "pack": t2 - t1, "project": t3 - t2, "check": t5 - t4}))
"""


def measure(code_dirs: dict[str, Path], docs: dict[str, Path]) -> dict[str, dict[str, list[float]]]:
    """Time the anchor, `--help`, a one-file check and the breakdown for each tree, interleaved round by round."""
    py = sys.executable
    commands = {
        label: {
            "python -c pass": [py, "-c", "pass"],
            "loupan --help": [py, "-m", "toolkit.cli", "--help"],
            "loupan check (1 DOCX)": [py, "-m", "toolkit.cli", "check", str(docs[label]), "--project", str(EXAMPLE)],
        }
        for label in code_dirs
    }
    cold = "loupan check, empty cache"  # the first check on a machine: nothing kept yet (toolkit/cache.py)
    names = [*NAMES, *(f"{n} CPU" for n in NAMES), cold, "imports", "pack", "project", "check"]
    out = {label: {name: [] for name in names} for label in code_dirs}
    for label, code_dir in code_dirs.items():  # a first run, untimed: bytecode written, caches filled
        for cmd in commands[label].values():
            _run(cmd, code_dir)
    for _ in range(ROUNDS):
        for label, code_dir in code_dirs.items():
            for name, cmd in commands[label].items():
                out[label][name].append(_run(cmd, code_dir))
                out[label][name + " CPU"].append(CPU[-1])
            with tempfile.TemporaryDirectory() as empty:
                check = commands[label]["loupan check (1 DOCX)"]
                out[label][cold].append(_run(check, code_dir, {"LOUPAN_CACHE": empty}))
            steps = subprocess.run(
                [py, "-c", STEPS, str(EXAMPLE), str(docs[label])], cwd=code_dir, capture_output=True, text=True, env=ENV
            )
            for name, t in json.loads(steps.stdout).items():
                out[label][name].append(t)
    return out


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    import time

    start, used = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**ENV, **(env or {})})
    took = time.perf_counter() - start
    CPU.append(_children_cpu() - used)
    if done.returncode not in (0,) and "--help" not in cmd:
        raise SystemExit(f"{' '.join(cmd[2:4])} failed: {done.stderr[-400:]}")
    return took


CPU: list[float] = []  # the processor time of each command run (user + system), less bent by a busy machine


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def report(label: str, t: dict[str, list[float]]) -> None:
    anchor = t["python -c pass"]
    print(f"{label}: {ROUNDS} rounds, medians (min–max); ratios to `python -c pass` round by round")
    for name in ("python -c pass", "loupan --help", "loupan check (1 DOCX)", "loupan check, empty cache"):
        extra = "" if name == "python -c pass" else f"  = {ratio(t[name], anchor)}"
        print(f"  {name:24} {spread(t[name], 'ms', 1000)}{extra}")
    cpu = t["python -c pass CPU"]
    print(
        f"  processor time: python -c pass {spread(cpu, 'ms', 1000)}, --help {ratio(t['loupan --help CPU'], cpu)}, "
        f"check {ratio(t['loupan check (1 DOCX) CPU'], cpu)}"
    )
    print(
        "  in one process: "
        + ", ".join(f"{k} {spread(t[k], 'ms', 1000)}" for k in ("imports", "pack", "project", "check"))
    )
    check = statistics.median(t["loupan check (1 DOCX)"]) / statistics.median(anchor)
    print(f"  one-file check / python -c pass = {check:.1f}x (target <= {TARGET}x)")
    if label == "this tree":
        helps = per_round(t["loupan --help"], anchor)
        record("startup", "loupan --help / python -c pass", helps, "<= 5x", statistics.median(helps) <= 5)
        checks = per_round(t["loupan check (1 DOCX)"], anchor)
        record("startup", "loupan check 1 DOCX / python -c pass", checks, f"<= {TARGET}x", check <= TARGET)
        cpus = per_round(t["loupan check (1 DOCX) CPU"], t["python -c pass CPU"])
        record("startup", "the same, processor time", cpus, f"<= {TARGET}x", statistics.median(cpus) <= TARGET)
        colds = per_round(t["loupan check, empty cache"], anchor)
        record("startup", "the same, empty cache (first use)", colds, "(shown)")
    else:
        record(
            "startup",
            f"loupan check 1 DOCX / python -c pass, {label}",
            per_round(t["loupan check (1 DOCX)"], anchor),
            "(baseline)",
        )


def main() -> None:
    base = Path(sys.argv[sys.argv.index("--base") + 1]).resolve() if "--base" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        trees = ({f"before ({base.name})": base} if base else {}) | {"this tree": ROOT}
        docs = {label: _render(code_dir, Path(tmp) / str(i)) for i, (label, code_dir) in enumerate(trees.items())}
        for label, times in measure(trees, docs).items():
            report(label, times)


def _render(code_dir: Path, out: Path) -> Path:
    """Render the example deal's contract with a tree's own toolkit: each tree checks a document it made."""
    deal = EXAMPLE / "deals" / "CHY-2026-0001.yaml"
    cmd = [sys.executable, "-m", "toolkit.cli", "render", "--project", str(EXAMPLE), "--deal", str(deal)]
    subprocess.run([*cmd, "--docs", "contract", "--out", str(out)], cwd=code_dir, check=True, capture_output=True)
    return next(out.glob("*-contract.docx"))


if __name__ == "__main__":
    main()
