"""Fill a project's ledger for the screenshots and the benchmark: deals subscribed and signed, units held."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from toolkit import api

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def deal_data(base: dict, no: str, unit: str, rng: random.Random) -> dict:
    """Return the example's first deal moved to another unit, number and buyer."""
    data = yaml.safe_load(yaml.safe_dump(base, allow_unicode=True))
    data.update(deal_no=no, unit=unit)
    data["buyers"][0]["name"] = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
    data["salesperson"] = rng.choice(["李娜", "赵磊", "孙悦"])
    return data


def seed(project: Path, share: float = 0.35, signed: float = 0.5, held: int = 6, seed: int = 7) -> list[str]:
    """Subscribe a share of the permitted units' deals (sign some of them), hold a few; return the deal numbers."""
    rng = random.Random(seed)
    ws = api.open_project(project)
    base = yaml.safe_load((project / "deals" / "CHY-2026-0001.yaml").read_text(encoding="utf-8"))
    folder = project / "deals-seed"
    folder.mkdir(exist_ok=True)
    free = [c for c, u in ws.project.units.items() if u.building != "4" and u.status == "待售"]
    chosen = rng.sample(free, int(len(free) * share) + held)
    done = []
    s = api.sales(ws)
    try:
        sold = {c for c, u in s.all_units().items() if u.status != "待售" or u.needs_pricing or u.pending}
    finally:
        s.close()
    chosen = [c for c in chosen if c not in sold]
    for i, code in enumerate(chosen[held:], start=1):
        no = f"CHY-2026-{9000 + i:04d}" if i < 1000 else f"CHY-2027-{i:04d}"
        path = folder / f"{no}.yaml"
        path.write_text(yaml.safe_dump(deal_data(base, no, code, rng), allow_unicode=True), encoding="utf-8")
        api.deal_subscribe(ws, path)
        if rng.random() < signed:
            api.deal_sign(ws, no)
        done.append(no)
    for code in chosen[:held]:
        api.unit_action(ws, "hold", code, approved_by="王强")
    return done
