"""Deal files read for a batch render: libyaml (the C loader) against the pure-Python loader, same files, same run.

Both read and parse the same 1,000 generated deal files with the toolkit's YAML 1.2 rules; the results must be
equal. Then the parsed deals are validated against the pack's deal schema by the fast path and by cerberus alone,
results equal. Usage: bench_yaml.py [DEALS] [ROUNDS]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deals import make_project  # noqa: E402
from runs import interleaved, per_round, ratio, record, spread  # noqa: E402

from toolkit import yamlio  # noqa: E402
from toolkit.pack.manifest import load_pack  # noqa: E402
from toolkit.pack.schema import cerberus_validate, validate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

N_DEALS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def main() -> None:
    if yamlio.CLoader is None:
        sys.exit("PyYAML was built without libyaml here: nothing to compare (pip install pyyaml from a wheel)")
    with tempfile.TemporaryDirectory() as tmp:
        files = sorted((make_project(Path(tmp) / "p", N_DEALS) / "deals").glob("*.yaml"))

        def read(load):
            return [load(f.read_text(encoding="utf-8")) for f in files]

        assert read(yamlio.load_yaml) == read(yamlio.load_pure), "both loaders must give the same deals"
        times = interleaved({"c": lambda: read(yamlio.load_yaml), "pure": lambda: read(yamlio.load_pure)}, ROUNDS)
        deals, schema = read(yamlio.load_yaml), load_pack(ROOT / "templates" / "prc-presale").schema["deal"]
    print(
        f"yaml {len(files)} deal files, {ROUNDS} rounds: C loader {spread(times['c'])}, "
        f"pure-Python {spread(times['pure'])}; pure/C {ratio(times['pure'], times['c'])}; identical results"
    )
    pure_c = per_round(times["pure"], times["c"])
    record("yaml", f"{len(files)} deal files: pure-Python loader / C loader", pure_c, "> 1x", min(pure_c) > 1)
    assert [validate(d, schema) for d in deals] == [cerberus_validate(d, schema) for d in deals]
    checks = interleaved(
        {
            "fast": lambda: [validate(d, schema) for d in deals],
            "cerberus": lambda: [cerberus_validate(d, schema) for d in deals],
        },
        ROUNDS,
    )
    print(
        f"schema {len(deals)} deals: fast path {spread(checks['fast'])}, cerberus alone {spread(checks['cerberus'])}; "
        f"cerberus/fast {ratio(checks['cerberus'], checks['fast'])}; identical results"
    )
    record(
        "yaml",
        f"{len(deals)} deals schema: cerberus / fast path",
        per_round(checks["cerberus"], checks["fast"]),
        "> 1x",
    )


if __name__ == "__main__":
    main()
