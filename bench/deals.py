"""Make N valid deals of the example project for the benchmarks (written as YAML into a folder)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cuihu"
TEMPLATES = ["CHY-2026-0001.yaml", "CHY-2026-0002.yaml", "CHY-2026-0003.yaml"]


def make_project(target: Path, count: int) -> Path:
    """Copy the example project into target with `count` generated deals in deals/."""
    shutil.copytree(EXAMPLE, target)
    deals = target / "deals"
    for p in deals.glob("*.yaml"):
        p.unlink()
    units = _available_units()
    for i in range(count):
        data = yaml.safe_load((EXAMPLE / "deals" / TEMPLATES[i % 3]).read_text(encoding="utf-8"))
        data["deal_no"] = f"CHY-2027-{i + 1:04d}"
        data["unit"] = units[i % len(units)]
        data["buyers"][0]["name"] = data["buyers"][0]["name"] + "甲乙丙丁"[i % 4]
        (deals / f"{data['deal_no']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def _available_units() -> list[str]:
    lines = (EXAMPLE / "units.csv").read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split(",") for line in lines]
    return [r[0] for r in rows if r[-1] == "待售" and r[1] in ("1", "2") and int(r[2]) >= 10]
