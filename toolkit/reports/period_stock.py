"""The stock side of a period report: 去化率 by building, layout and floor band, the 销控表, sales velocity."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

SOLD = ("已认购", "已签约", "已备案", "已交付")


def fill(r, src) -> None:
    """Set the report's 去化率, 销控表 and velocity from the units' current statuses."""
    project = src.project
    statuses = {c: u.status for c, u in project.units.items()} | {
        c: s for c, s in src.rows("unit_statuses").items() if c in project.units
    }
    r.sell_through = sell_through(project, statuses)
    r.board = board(project, statuses)
    subscribed = len(src.rows("subscriptions", r.period.start.isoformat(), r.period.end.isoformat()))
    r.velocity = velocity(r.period, subscribed, statuses)


def sell_through(project, statuses: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """去化率: sold units over units on sale (not 未推盘 or 销控), by building, layout and floor band."""
    keys = {
        "楼栋": lambda u: f"{u.building}栋",
        "户型": lambda u: u.layout,
        "楼层段": lambda u: _band(u.floor),
    }
    return {name: _rates(project, statuses, key) for name, key in keys.items()}


def _band(floor: int) -> str:
    low = (floor - 1) // 10 * 10 + 1
    return f"{low:02d}-{low + 9:02d}层"


def _rates(project, statuses, key) -> list[dict[str, Any]]:
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, unit in project.units.items():
        status = statuses[code]
        if status in ("未推盘", "销控"):
            continue
        g = groups[key(unit)]
        g[0] += 1
        g[1] += status in SOLD
    return [
        {"group": k, "on_sale": n, "sold": s, "rate": (Decimal(s) / n * 100).quantize(Decimal("0.1"))}
        for k, (n, s) in sorted(groups.items())
    ]


def board(project, statuses) -> dict[str, dict[str, str]]:
    """Return each building's units with their statuses (the 销控表 heat map)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for code, unit in project.units.items():
        out[unit.building][code] = statuses[code]
    return dict(out)


def velocity(period, subscribed: int, statuses) -> dict[str, Any]:
    """Units subscribed per week in the period, and the sell-out date at that pace."""
    weeks = Decimal((period.end - period.start).days + 1) / 7
    per_week = (Decimal(subscribed) / weeks).quantize(Decimal("0.01"))
    left = sum(1 for s in statuses.values() if s == "待售")
    sellout = None
    if per_week > 0:
        sellout = period.end + dt.timedelta(days=int(Decimal(left) / per_week * 7))
    return {
        "subscribed": subscribed,
        "weeks": weeks.quantize(Decimal("0.01")),
        "per_week": per_week,
        "left": left,
        "sellout": sellout,
    }
