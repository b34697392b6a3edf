"""The weekly and monthly sales reports (周报, 月报): progress against target, 去化率, velocity, conversion, money."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from toolkit.domain.targets import MEASURES, Targets
from toolkit.errors import UsageError
from toolkit.ledger import analytics as q

ZERO = Decimal(0)
SOLD = ("已认购", "已签约", "已备案", "已交付")


@dataclass(frozen=True)
class Period:
    """A week (2026-W47) or a month (2026-11): its label and first and last days."""

    label: str
    kind: str
    start: dt.date
    end: dt.date

    def months(self) -> list[str]:
        """Return the months the period touches (a week's targets are its months' share)."""
        return sorted({self.start.strftime("%Y-%m"), self.end.strftime("%Y-%m")})

    def days(self) -> list[str]:
        """Return every day of the period as ISO text."""
        n = (self.end - self.start).days + 1
        return [(self.start + dt.timedelta(days=i)).isoformat() for i in range(n)]


def parse_period(text: str) -> Period:
    """Read 2026-W47 (an ISO week) or 2026-11 (a month)."""
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
        try:
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise UsageError(f"--period: no week {text}") from None
        return Period(text, "weekly", start, start + dt.timedelta(days=6))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise UsageError(f"--period: no month {text}")
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return Period(text, "monthly", dt.date(year, month, 1), nxt - dt.timedelta(days=1))
    raise UsageError(f"--period: expected a week such as 2026-W47 or a month such as 2026-11, found {text!r}")


@dataclass
class Report:
    """Every figure of one period report; `as_json` gives the same figures."""

    project: str
    period: Period
    progress: list[dict[str, Any]] = field(default_factory=list)
    consultants: list[dict[str, Any]] = field(default_factory=list)
    sell_through: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    velocity: dict[str, Any] = field(default_factory=dict)
    conversion: dict[str, Any] = field(default_factory=dict)
    receivables: dict[str, Any] = field(default_factory=dict)
    prices: dict[str, Any] = field(default_factory=dict)
    survey: list[dict[str, Any]] = field(default_factory=list)
    board: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Tell whether nothing happened in the period."""
        return all(row["actual"] == 0 for row in self.progress if row["scope"] == "项目")

    def as_json(self) -> dict[str, Any]:
        """Return the figures as plain JSON values (amounts as text)."""
        return _plain(
            {
                "project": self.project,
                "period": {"label": self.period.label, "start": self.period.start, "end": self.period.end},
                "empty": self.empty,
                "progress": self.progress,
                "consultants": self.consultants,
                "sell_through": self.sell_through,
                "velocity": self.velocity,
                "conversion": self.conversion,
                "receivables": self.receivables,
                "prices": self.prices,
                "survey": self.survey,
            }
        )


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    return value


def build(project, db, period: Period, targets: Targets, salespeople: dict[str, str]) -> Report:
    """Compute the report of a period from the ledger's connection and the project's targets."""
    start, end = period.start.isoformat(), period.end.isoformat()
    ytd = f"{period.start.year}-01-01"
    now_, year = _actuals(db, start, end, salespeople), _actuals(db, ytd, end, salespeople)
    r = Report(project.name, period)
    months = period.months() if period.kind == "monthly" else []
    ytd_months = [f"{period.start.year}-{m:02d}" for m in range(1, period.end.month + 1)]
    r.progress = _progress("项目", now_["项目"], year["项目"], targets, months, ytd_months)
    names = sorted((set(now_) | set(year) | set(salespeople.values())) - {"项目"})
    r.consultants = _ranked(
        [
            row
            for n in names
            for row in _progress(n, now_.get(n, _zero()), year.get(n, _zero()), targets, months, ytd_months)
            if row["measure"] == "签约金额"
        ]
    )
    statuses = {c: u.status for c, u in project.units.items()} | {
        c: s for c, s in q.unit_statuses(db).items() if c in project.units
    }
    r.sell_through = _sell_through(project, statuses)
    r.board = _board(project, statuses)
    r.velocity = _velocity(db, period, statuses)
    r.conversion = _conversion(db, start, end)
    r.receivables = _receivables(db, start, end, period.end)
    r.prices = _prices(project, q.subscriptions(db, start, end))
    return r


def _zero() -> dict[str, Decimal]:
    return {k: ZERO for k in MEASURES}


def _actuals(db, start: str, end: str, salespeople: dict[str, str]) -> dict[str, dict[str, Decimal]]:
    """Sum 认购, 签约 and 回款 for the project and per consultant (by the deal's salesperson)."""
    out: dict[str, dict[str, Decimal]] = defaultdict(_zero)
    for d in q.subscriptions(db, start, end):
        for scope in ("项目", salespeople.get(d["deal_no"], "未登记")):
            out[scope]["认购套数"] += 1
            out[scope]["认购金额"] += d["total"]
    for d in q.signings(db, start, end):
        for scope in ("项目", salespeople.get(d["deal_no"], "未登记")):
            out[scope]["签约套数"] += 1
            out[scope]["签约金额"] += d["total"]
    for rec in q.receipts(db, start, end):
        sign = -1 if rec["kind"] == "退款" else 1
        for scope in ("项目", salespeople.get(rec["deal_no"] or "", "未登记")):
            out[scope]["回款"] += sign * rec["amount"]
    out["项目"]  # the project row exists even in an empty period
    return out


def _progress(scope, now_, year, targets: Targets, months, ytd_months) -> list[dict[str, Any]]:
    t_now, t_year = targets.for_months(months, scope), targets.for_months(ytd_months, scope)
    return [
        {
            "scope": scope,
            "measure": k,
            "actual": now_[k],
            "target": t_now[k] if t_now else None,
            "rate": _rate(now_[k], t_now[k] if t_now else None),
            "ytd_actual": year[k],
            "ytd_target": t_year[k] if t_year else None,
            "ytd_rate": _rate(year[k], t_year[k] if t_year else None),
        }
        for k in MEASURES
    ]


def _rate(actual: Decimal, target: Decimal | None) -> Decimal | None:
    if not target:
        return None
    return (Decimal(actual) / target * 100).quantize(Decimal("0.1"))


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = sorted(rows, key=lambda r: (-r["actual"], r["scope"]))
    return [{**r, "rank": i + 1} for i, r in enumerate(rows)]


def _sell_through(project, statuses: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
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


def _board(project, statuses) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for code, unit in project.units.items():
        out[unit.building][code] = statuses[code]
    return dict(out)


def _velocity(db, period: Period, statuses) -> dict[str, Any]:
    """Units subscribed per week in the period, and the sell-out date at that pace."""
    net = len(q.subscriptions(db, period.start.isoformat(), period.end.isoformat()))
    weeks = Decimal((period.end - period.start).days + 1) / 7
    per_week = (Decimal(net) / weeks).quantize(Decimal("0.01"))
    left = sum(1 for s in statuses.values() if s == "待售")
    sellout = None
    if per_week > 0:
        sellout = period.end + dt.timedelta(days=int(Decimal(left) / per_week * 7))
    return {
        "subscribed": net,
        "weeks": weeks.quantize(Decimal("0.01")),
        "per_week": per_week,
        "left": left,
        "sellout": sellout,
    }


def _conversion(db, start: str, end: str) -> dict[str, Any]:
    """认购 to 签约: rate and days; 换房 and 退房 with their reasons."""
    subs = q.subscriptions(db, start, end)
    signed = [s for s in q.signings(db, start, end) if start <= s["subscribe_date"] <= end]
    days = [(dt.date.fromisoformat(s["date"]) - dt.date.fromisoformat(s["subscribe_date"])).days for s in signed]
    changes = q.changes(db, start, end)
    reasons: dict[str, int] = defaultdict(int)
    for c in changes:
        if c["kind"] == "refund":
            reasons[c["payload"].get("reason_code", "未注明")] += 1
    return {
        "subscribed": len(subs),
        "signed": len(signed),
        "rate": _rate(Decimal(len(signed)), Decimal(len(subs))) if subs else None,
        "avg_days": (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None,
        "room_changes": sum(1 for c in changes if c["kind"] == "room"),
        "refunds": sum(1 for c in changes if c["kind"] == "refund"),
        "refund_reasons": dict(reasons),
    }


def _receivables(db, start: str, end: str, on: dt.date) -> dict[str, Any]:
    """Money in the period by kind, and what standing deals still owe (按揭 awaiting disbursement apart)."""
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for rec in q.receipts(db, start, end):
        by_kind[rec["kind"]] += rec["amount"]
    owed = [
        {
            "deal_no": d["deal_no"],
            "unit": d["unit"],
            "method": d["payment_method"],
            "total": d["total"],
            "paid": d["paid"],
            "owed": d["total"] - d["paid"],
            "age_days": (on - dt.date.fromisoformat(d["subscribe_date"])).days,
        }
        for d in q.open_deals(db)
        if d["total"] > d["paid"] and d["subscribe_date"] <= on.isoformat()
    ]
    loans = sum((d["owed"] for d in owed if "贷款" in d["method"]), ZERO)
    return {
        "by_kind": dict(by_kind),
        "owed": owed,
        "mortgage_pending": loans,
        "owed_total": sum((d["owed"] for d in owed), ZERO),
    }


NEAR_FLOOR_PCT = Decimal(2)


def _prices(project, deals) -> dict[str, Any]:
    """Price realisation: each deal of the period against its unit's list and floor price (一房一价)."""
    rows = []
    for d in deals:
        u = project.units.get(d["unit"])
        if u is None:
            continue
        listed, floor = u.list_unit_price * u.building_area, u.floor_unit_price * u.building_area
        margin = ((d["total"] - floor) / floor * 100).quantize(Decimal("0.01"))
        rows.append(
            {
                "deal_no": d["deal_no"],
                "unit": d["unit"],
                "list_total": listed.quantize(Decimal("0.01")),
                "total": d["total"],
                "realisation": (d["total"] / listed * 100).quantize(Decimal("0.01")),
                "over_floor_pct": margin,
                "near_floor": margin < NEAR_FLOOR_PCT,
            }
        )
    listed = sum((x["list_total"] for x in rows), ZERO)
    total = sum((x["total"] for x in rows), ZERO)
    return {
        "deals": rows,
        "list_total": listed,
        "total": total,
        "realisation": (total / listed * 100).quantize(Decimal("0.1")) if listed else None,
        "near_floor": sum(1 for x in rows if x["near_floor"]),
    }
