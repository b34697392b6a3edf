"""The checks on a price list before it is approved: filed price, target, smoothness, real 原价.

- `pricelist.filed` (R-PRICE-01, R-PRICE-07): no list price above the filed price (备案价), and no floor price
  further below it than the scheme allows.
- `pricelist.target`: the area-weighted average unit price and the total against the scheme's target.
- `pricelist.unsmooth`: in one stack (building and room position) a unit higher up is not cheaper than the
  one below it, unless the scheme says why (`smooth_exempt`).
- `price.false_original` (R-PRICE-04): a 原价 shown beside a special price is the unit's last list price on
  record before the scheme takes effect.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from toolkit.domain.money import format_yuan
from toolkit.findings import Finding
from toolkit.pricing.compute import Priced
from toolkit.pricing.scheme import Scheme
from toolkit.rules import finding

HUNDRED = Decimal(100)


def check_prices(priced: list[Priced], scheme: Scheme, earlier: dict[str, str]) -> list[Finding]:
    """Run every price-list check; `earlier` is each unit's last recorded list unit price before the scheme."""
    doc = str(scheme.path)
    return (
        filed_findings(priced, scheme, doc)
        + target_findings(priced, scheme, doc)
        + smooth_findings(priced, scheme, doc)
        + original_findings(priced, earlier, doc)
    )


def filed_findings(priced: list[Priced], scheme: Scheme, doc: str) -> list[Finding]:
    """List price above the filed price, or floor price too far below it."""
    out = []
    for p in priced:
        u = p.unit
        if u.list_unit_price > u.filed_unit_price:
            out.append(
                finding("pricelist.filed", f"房号{u.code}标价{u.list_unit_price}元/㎡高于备案价{u.filed_unit_price}元/㎡",
                        document=doc, location=u.code, expected=f"≤ {u.filed_unit_price}", found=str(u.list_unit_price))
            )  # fmt: skip
        limit = scheme.max_below_filed_pct
        lowest = u.filed_unit_price * (HUNDRED - limit) / HUNDRED if limit is not None else None
        if lowest is not None and u.floor_unit_price < lowest:
            out.append(
                finding("pricelist.filed", f"房号{u.code}底价{u.floor_unit_price}元/㎡低于备案价下浮{limit}%的限度",
                        document=doc, location=u.code, expected=f"≥ {lowest:.2f}", found=str(u.floor_unit_price))
            )  # fmt: skip
    return out


def figures(priced: list[Priced]) -> dict[str, Decimal]:
    """Return the count, area, total and area-weighted average unit price of a price list."""
    area = sum((p.unit.building_area for p in priced), Decimal(0))
    total = sum((p.total for p in priced), Decimal(0))
    return {"count": Decimal(len(priced)), "area": area, "total": total, "average_unit_price": _avg(total, area)}


def _avg(total: Decimal, area: Decimal) -> Decimal:
    return (total / area).quantize(Decimal("0.01")) if area else Decimal(0)


def target_findings(priced: list[Priced], scheme: Scheme, doc: str) -> list[Finding]:
    """The average unit price and the total against the target, within its tolerance."""
    tol = scheme.target.get("tolerance_pct", Decimal(1))
    have, out = figures(priced), []
    for key, label in (("average_unit_price", "均价"), ("total", "总货值")):
        want = scheme.target.get(key)
        if want is None or not want:
            continue
        off = (have[key] - want) / want * HUNDRED
        if abs(off) > tol:
            out.append(
                finding("pricelist.target", f"{label}{format_yuan(have[key])}元偏离目标{format_yuan(want)}元"
                        f"{off:+.2f}%，超出±{tol}%", document=doc, location=f"target.{key}",
                        expected=format_yuan(want), found=format_yuan(have[key]))
            )  # fmt: skip
    return out


def smooth_findings(priced: list[Priced], scheme: Scheme, doc: str) -> list[Finding]:
    """A unit cheaper than the unit below it in the same stack, without a reason in the scheme."""
    stacks: dict[tuple[str, str], list[Priced]] = defaultdict(list)
    for p in priced:
        stacks[(p.unit.building, p.unit.room[-2:])].append(p)
    out = []
    for stack in stacks.values():
        stack.sort(key=lambda p: p.unit.floor)
        for lower, upper in zip(stack, stack[1:]):
            lo, up = lower.unit, upper.unit
            if up.list_unit_price < lo.list_unit_price and up.code not in scheme.exempt:
                out.append(
                    finding("pricelist.unsmooth", f"房号{up.code}（{up.floor}层）单价{up.list_unit_price}元/㎡低于同一单元"
                            f"下层{lo.code}的{lo.list_unit_price}元/㎡，方案未说明理由", document=doc,
                            location=up.code, expected=f"≥ {lo.list_unit_price}", found=str(up.list_unit_price))
                )  # fmt: skip
    return out


def original_findings(priced: list[Priced], earlier: dict[str, str], doc: str) -> list[Finding]:
    """A 原价 beside a special price must be the unit's last list price on record."""
    out = []
    for p in priced:
        s, last = p.special, earlier.get(p.unit.code)
        if s is None:
            continue
        if last is None or Decimal(last) != s.original:
            out.append(
                finding("price.false_original", f"房号{s.unit}特价房标示的原价{s.original}元/㎡不是其此前的实际标价"
                        f"（{'无价格记录' if last is None else last + '元/㎡'}）", document=doc, location=s.unit,
                        expected=last or "此前的价格记录", found=str(s.original))
            )  # fmt: skip
    return out
