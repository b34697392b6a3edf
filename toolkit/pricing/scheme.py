"""A pricing scheme (定价方案): base prices, named factors, the filed and floor price rules, the target.

Read from YAML and validated field by field; a bad field is a `ProjectError` naming the file and the field.
How a unit price is made from it is `toolkit/pricing/compute.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit import yamlio
from toolkit.errors import ProjectError
from toolkit.fields import FieldReader

BY = ("floor", "orientation", "layout", "building", "room", "position", "unit")
ROUNDING = {"yuan": Decimal(1), "ten": Decimal(10), "fen": Decimal("0.01")}


@dataclass(frozen=True)
class Base:
    """基价 of a building, or of one product (layout) in it, in 元/㎡, with its storey height."""

    building: str
    layout: str | None
    price: Decimal
    storey_height_m: Decimal


@dataclass(frozen=True)
class Factor:
    """A named factor: multiplies the base (系数) or adds 元/㎡, by a unit's field."""

    name: str
    by: str
    times: dict[str, Decimal] = field(default_factory=dict)
    add: dict[str, Decimal] = field(default_factory=dict)
    add_per_step: Decimal | None = None
    times_per_step: Decimal | None = None
    start: int = 1


@dataclass(frozen=True)
class Special:
    """特价房: a unit sold below its computed price, with the 原价 shown beside it and the condition."""

    unit: str
    price: Decimal
    original: Decimal
    condition: str


@dataclass(frozen=True)
class Scheme:
    """A validated pricing scheme."""

    path: Path
    name: str
    effective: dt.date
    rounding: str
    base: tuple[Base, ...]
    factors: tuple[Factor, ...]
    filed_pct: Decimal | None
    filed_prices: dict[str, Decimal]
    floor_pct: Decimal
    max_below_filed_pct: Decimal | None
    target: dict[str, Decimal]
    exempt: dict[str, str]
    specials: dict[str, Special]
    prepared_by: str


def load_scheme(path: Path) -> Scheme:
    """Read and validate a scheme file."""
    path = Path(path)
    raw = yamlio.read_file(path, ProjectError)
    if not isinstance(raw, dict):
        raise ProjectError(path=path, expected="映射（name, effective, base, factors, filed, floor_price）")
    r = FieldReader(path, raw)
    filed = r.mapping("filed")
    return Scheme(
        path=path,
        name=r.text("name"),
        effective=r.date("effective"),
        rounding=r.choice("rounding", tuple(ROUNDING), "yuan"),
        base=tuple(_base(r, i, b) for i, b in enumerate(r.items("base"))),
        factors=tuple(_factor(r, i, f) for i, f in enumerate(r.items("factors", required=False))),
        filed_pct=r.number("filed.pct_of_list", filed.get("pct_of_list")) if "pct_of_list" in filed else None,
        filed_prices=_filed_file(r, filed),
        floor_pct=r.number("floor_price.pct_of_list", r.mapping("floor_price").get("pct_of_list")),
        max_below_filed_pct=r.optional_number("max_below_filed_pct"),
        target={k: r.number(f"target.{k}", v) for k, v in r.mapping("target", required=False).items()},
        exempt={str(k): r.reason(f"smooth_exempt.{k}", v) for k, v in r.mapping("smooth_exempt", False).items()},
        specials={s.unit: s for s in (_special(r, i, s) for i, s in enumerate(r.items("specials", required=False)))},
        prepared_by=str(raw.get("prepared_by") or ""),
    )


def _base(r: FieldReader, i: int, b: dict[str, Any]) -> Base:
    where = f"base[{i}]"
    if "building" not in b:
        raise r.fail(f"{where}.building", "楼栋号", None)
    price = r.number(f"{where}.price", b.get("price"))
    if price <= 0:
        raise r.fail(f"{where}.price", "大于零的基价（元/㎡）", b.get("price"))
    height = r.number(f"{where}.storey_height_m", b.get("storey_height_m"))
    return Base(str(b["building"]), str(b["layout"]) if b.get("layout") else None, price, height)


def _factor(r: FieldReader, i: int, f: dict[str, Any]) -> Factor:
    where = f"factors[{i}]"
    name = f.get("name")
    if not isinstance(name, str) or not name.strip():
        raise r.fail(f"{where}.name", "系数名称（楼层、朝向、景观、户型、噪音、边户……）", name)
    by = f.get("by")
    if by not in BY:
        raise r.fail(f"{where}.by", "之一: " + " | ".join(BY), by)
    kinds = [k for k in ("times", "add", "add_per_step", "times_per_step") if k in f]
    if len(kinds) != 1:
        raise r.fail(where, "恰好一种取值方式: times | add | add_per_step | times_per_step", kinds)
    kind = kinds[0]
    if kind.endswith("_per_step"):
        if by != "floor":
            raise r.fail(f"{where}.{kind}", "按层递增只用于 by: floor", by)
        start = f.get("from", 1)
        if not isinstance(start, int) or isinstance(start, bool):
            raise r.fail(f"{where}.from", "起算楼层（整数）", start)
        step = r.number(f"{where}.{kind}", f[kind])
        if kind == "add_per_step":
            return Factor(name, by, add_per_step=step, start=start)
        return Factor(name, by, times_per_step=step, start=start)
    values = f[kind]
    if not isinstance(values, dict) or not values:
        raise r.fail(f"{where}.{kind}", "一个映射: 取值 → 系数或元/㎡", values)
    table = {str(k): r.number(f"{where}.{kind}.{k}", v) for k, v in values.items()}
    if kind == "times" and any(v <= 0 for v in table.values()):
        raise r.fail(f"{where}.times", "大于零的系数", values)
    return Factor(name, by, times=table) if kind == "times" else Factor(name, by, add=table)


def _special(r: FieldReader, i: int, s: dict[str, Any]) -> Special:
    where = f"specials[{i}]"
    condition = s.get("condition")
    if not isinstance(condition, str) or not condition.strip():
        raise r.fail(f"{where}.condition", "特价房的条件（明码标价须载明）", condition)
    return Special(
        str(s.get("unit", "")),
        r.number(f"{where}.price", s.get("price")),
        r.number(f"{where}.original", s.get("original")),
        condition.strip(),
    )


def _filed_file(r: FieldReader, filed: dict[str, Any]) -> dict[str, Decimal]:
    """Read the 备案价 table (code, filed_unit_price) the scheme names, beside the scheme file."""
    if "file" not in filed:
        if "pct_of_list" not in filed:
            raise r.fail("filed", "pct_of_list（备案价占标价的百分比）或 file（备案价表 CSV）", filed)
        return {}
    import csv

    target = r.path.parent / str(filed["file"])
    try:
        with target.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError:
        raise r.fail("filed.file", "备案价表 CSV（code, filed_unit_price）", str(filed["file"])) from None
    out = {}
    for line, row in enumerate(rows, start=2):
        out[str(row.get("code", ""))] = r.number(
            f"filed.file line {line}: filed_unit_price", row.get("filed_unit_price")
        )
    return out
