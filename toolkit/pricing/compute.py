"""Price every unit from a scheme (一房一价).

unit price = base × the product of the multiplying factors (系数) + the sum of the adding factors (元/㎡),
rounded half-up to the scheme's step (yuan, ten yuan or fen); filed price = the 备案价 table's, or the list
price × pct_of_list; floor price = list × floor_price.pct_of_list; both rounded the same way. A 特价房 is
listed at its special price, with its 原价 beside it. Total = unit price × building area, rounded as the
project rounds deal totals.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from toolkit.domain.project import Project, Unit
from toolkit.errors import ProjectError
from toolkit.pricing.scheme import ROUNDING, Base, Factor, Scheme, Special

HUNDRED = Decimal(100)
ONE = Decimal(1)


@dataclass(frozen=True)
class Priced:
    """A unit as the scheme prices it: the new price-list row, what made its price, and its total."""

    unit: Unit
    computed: Decimal
    parts: tuple[tuple[str, Decimal, str], ...]
    storey_height_m: Decimal
    total: Decimal
    special: Special | None = None


def round_to(x: Decimal, step: Decimal) -> Decimal:
    """Round half-up to a step (10, 1 or 0.01 yuan)."""
    return (x / step).quantize(ONE, rounding=ROUND_HALF_UP) * step if step > 1 else x.quantize(step, ROUND_HALF_UP)


def price_all(project: Project, scheme: Scheme) -> list[Priced]:
    """Price every unit of the project's price list that the scheme has a base price for."""
    step = ROUNDING[scheme.rounding]
    total_step = Decimal(1) if project.data["pricing"]["total_rounding"] == "yuan" else Decimal("0.01")
    bases = _bases(scheme)
    out = []
    for unit in project.units.values():
        base = bases.get((unit.building, unit.layout)) or bases.get((unit.building, None))
        if base is None:
            raise ProjectError(path=scheme.path, field="base", expected=f"房号{unit.code}所在{unit.building}号楼的基价")
        out.append(price_unit(unit, base, scheme, step, total_step))
    _unknown_units(project, scheme)
    return out


def price_unit(unit: Unit, base: Base, scheme: Scheme, step: Decimal, total_step: Decimal) -> Priced:
    """Price one unit: base, factors, rounding, filed and floor price, special price."""
    factor, add, parts = ONE, Decimal(0), []
    for f in scheme.factors:
        kind, value = factor_value(f, unit)
        if kind == "times":
            factor *= value
        else:
            add += value
        parts.append((f.name, value, kind))
    computed = round_to(base.price * factor + add, step)
    filed = scheme.filed_prices.get(unit.code) if scheme.filed_pct is None else None
    if filed is None:
        filed = round_to(computed * (scheme.filed_pct or HUNDRED) / HUNDRED, step)
    floor = round_to(computed * scheme.floor_pct / HUNDRED, step)
    special = scheme.specials.get(unit.code)
    listed = special.price if special else computed
    row = replace(unit, list_unit_price=listed, filed_unit_price=filed, floor_unit_price=min(floor, listed))
    total = (listed * unit.building_area).quantize(total_step, ROUND_HALF_UP)
    return Priced(row, computed, tuple(parts), base.storey_height_m, total, special)


def factor_value(f: Factor, unit: Unit) -> tuple[str, Decimal]:
    """Return how a factor applies to a unit: ("times", 系数) or ("add", 元/㎡); unlisted values are neutral."""
    if f.add_per_step is not None:
        return "add", f.add_per_step * (unit.floor - f.start)
    if f.times_per_step is not None:
        return "times", ONE + f.times_per_step * (unit.floor - f.start)
    key = key_of(f.by, unit)
    if f.times:
        return "times", f.times.get(key, ONE)
    return "add", f.add.get(key, Decimal(0))


def key_of(by: str, unit: Unit) -> str:
    """Return the value of a unit a factor is looked up by (position: the room's last two digits)."""
    if by == "position":
        return unit.room[-2:]
    if by == "unit":
        return unit.code
    return str(getattr(unit, by))


def _bases(scheme: Scheme) -> dict[tuple[str, str | None], Base]:
    return {(b.building, b.layout): b for b in scheme.base}


def _unknown_units(project: Project, scheme: Scheme) -> None:
    named = [*scheme.exempt, *scheme.specials]
    for f in scheme.factors:
        if f.by == "unit":
            named += list(f.times or f.add)
    unknown = sorted(c for c in named if c not in project.units)
    if unknown:
        raise ProjectError(path=scheme.path, field="unit", expected="价目表中的房号", found=", ".join(unknown[:5]))
