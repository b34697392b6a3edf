"""Pricing 10,000 units from a scheme against reading the price list back, side by side in one run.

A project of N units (4 buildings × 50 floors × N/200 rooms) is priced by the example's kind of scheme (base per
building and product, floor, orientation, view, noise and end-unit factors), checked (filed price, target,
smoothness) and written as units.csv; the same units.csv is then read back by the toolkit as a price list
(`checks/inputs.load_project`: validated rows to Units). Usage: bench_pricing.py [UNITS] [ROUNDS]
"""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runs import interleaved, ratio, spread  # noqa: E402

from toolkit.checks.inputs import load_project  # noqa: E402
from toolkit.pack.manifest import load_pack  # noqa: E402
from toolkit.pricing import load_scheme, price_all  # noqa: E402
from toolkit.pricing.checks import check_prices  # noqa: E402
from toolkit.pricing.write import COLUMNS, row_values  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
N_UNITS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
SCHEME = """
name: 基准方案
effective: 2026-03-01
rounding: yuan
base:
  - {building: "1", price: 69540, storey_height_m: 3.0}
  - {building: "1", layout: 2室2厅1卫, price: 68000, storey_height_m: 3.0}
  - {building: "2", price: 68040, storey_height_m: 3.0}
  - {building: "3", price: 66340, storey_height_m: 3.0}
  - {building: "4", price: 62540, storey_height_m: 3.0}
factors:
  - {name: 楼层, by: floor, add_per_step: 320, from: 2}
  - {name: 朝向, by: orientation, add: {北: -900}}
  - {name: 景观, by: position, times: {"05": 1.01, "06": 1.01}}
  - {name: 噪音, by: position, add: {"01": -100}}
  - {name: 边户, by: position, times: {"01": 1.005}}
filed: {pct_of_list: 106}
floor_price: {pct_of_list: 95}
max_below_filed_pct: 15
target: {average_unit_price: 75000, tolerance_pct: 20}
"""


def make_project(folder: Path, n: int) -> Path:
    """Write a project of n units with the example's project.yaml."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "cuihu" / "project.yaml", folder)
    per_floor = max(n // 200, 1)
    layouts = [("3室2厅2卫", "南", "98.76", "79.32", "19.44"), ("2室2厅1卫", "北", "76.15", "61.02", "15.13")]
    with (folder / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        count = 0
        for b in "1234":
            for floor in range(2, 52):
                for pos in range(1, per_floor + 1):
                    if count == n:
                        break
                    layout, facing, area, inner, shared = layouts[pos % 2]
                    room = f"{floor:02d}{pos:02d}"
                    w.writerow([f"{b}-{room}", b, floor, room, layout, facing, area, inner, shared, 1, 1, 1, "待售"])
                    count += 1
    (folder / "scheme.yaml").write_text(SCHEME, encoding="utf-8")
    return folder


def main() -> None:
    pack = load_pack(ROOT / "templates" / "prc-presale")
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_project(Path(tmp) / "p", N_UNITS)
        project = load_project(folder, pack)
        out = Path(tmp) / "out"
        out.mkdir()

        def price() -> None:
            scheme = load_scheme(folder / "scheme.yaml")
            priced = price_all(project, scheme)
            check_prices(priced, scheme, {})
            with (out / "units.csv").open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(COLUMNS)
                w.writerows(row_values(p, p.unit.status) for p in priced)

        price()
        shutil.copy(ROOT / "examples" / "cuihu" / "project.yaml", out)
        assert len(load_project(out, pack).units) == N_UNITS
        times = interleaved({"price": price, "read": lambda: load_project(out, pack)}, ROUNDS)
    print(
        f"pricing {N_UNITS} units, {ROUNDS} rounds: price + check + write units.csv {spread(times['price'])}, "
        f"read the price list back {spread(times['read'])}; price/read {ratio(times['price'], times['read'])}"
    )


if __name__ == "__main__":
    main()
