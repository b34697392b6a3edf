"""The weekly and monthly sales reports (周报, 月报): progress against target per scope and per week.

The other tables come from `period_stock` (去化率, 销控表, velocity), `period_sales` (conversion, signing lag,
expired 认购, prices and discounts) and `period_money` (money in, receivables aged by the payment plans).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from toolkit.domain.targets import MEASURES, Scope, Targets
from toolkit.errors import UsageError
from toolkit.findings import Finding
from toolkit.ledger import analytics as q
from toolkit.reports import period_money, period_sales, period_stock

ZERO = Decimal(0)
PROJECT: Scope = ("项目", "项目")


@dataclass(frozen=True)
class Period:
    """A week (2026-W47) or a month (2026-11): its label and first and last days."""

    label: str
    kind: str
    start: dt.date
    end: dt.date

    def months(self) -> list[str]:
        """Return the months the period touches."""
        return sorted({self.start.strftime("%Y-%m"), self.end.strftime("%Y-%m")})

    def days(self) -> list[str]:
        """Return every day of the period as ISO text."""
        n = (self.end - self.start).days + 1
        return [(self.start + dt.timedelta(days=i)).isoformat() for i in range(n)]

    def weeks(self) -> list[Period]:
        """Return the ISO weeks of the period, each cut to the period's days (a month's first and last may be short)."""
        monday = self.start - dt.timedelta(days=self.start.weekday())
        out = []
        while monday <= self.end:
            year, week, _ = monday.isocalendar()
            end = min(monday + dt.timedelta(days=6), self.end)
            out.append(Period(f"{year}-W{week:02d}", "weekly", max(monday, self.start), end))
            monday += dt.timedelta(days=7)
        return out


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
    raise UsageError(f"--period：应为周（如 2026-W47）或月份（如 2026-11），实际为 {text!r}")


@dataclass
class Report:
    """Every figure of one period report; `as_json` gives the same figures."""

    project: str
    period: Period
    progress: list[dict[str, Any]] = field(default_factory=list)
    consultants: list[dict[str, Any]] = field(default_factory=list)
    team: list[dict[str, Any]] = field(default_factory=list)
    scopes: list[dict[str, Any]] = field(default_factory=list)
    weeks: list[dict[str, Any]] = field(default_factory=list)
    sell_through: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    velocity: dict[str, Any] = field(default_factory=dict)
    conversion: dict[str, Any] = field(default_factory=dict)
    signing: dict[str, Any] = field(default_factory=dict)
    expired: list[dict[str, Any]] = field(default_factory=list)
    receivables: dict[str, Any] = field(default_factory=dict)
    prices: dict[str, Any] = field(default_factory=dict)
    discounts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    survey: list[dict[str, Any]] = field(default_factory=list)
    board: dict[str, dict[str, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Tell whether nothing happened in the period."""
        return all(row["actual"] == 0 for row in self.progress)

    def as_json(self) -> dict[str, Any]:
        """Return the figures as plain JSON values (amounts as text)."""
        keys = "progress consultants team scopes weeks sell_through velocity conversion signing expired".split()
        keys += ["receivables", "prices", "discounts", "survey"]
        return _plain(
            {
                "project": self.project,
                "period": {"label": self.period.label, "start": self.period.start, "end": self.period.end},
                "empty": self.empty,
                **{k: getattr(self, k) for k in keys},
                "findings": [f.as_dict() for f in self.findings],
            }
        )


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    return value


@dataclass(frozen=True)
class Source:
    """What a report reads: the project, its `Scope` of the ledger (analytics.Scope), the consultants."""

    project: Any
    conn: Any
    salespeople: dict[str, str]
    cache: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)

    def rows(self, query: str, *dates: str, keep: bool = True) -> list[dict[str, Any]]:
        """Run an analytics query for the project once per report (the tables ask for the same rows).

        `keep=False` for rows one table reads (the year to date): kept, they would double the peak memory.
        """
        key = (query, *dates)
        if key in self.cache:
            return self.cache[key]
        rows = getattr(q, query)(self.conn, *dates)
        if keep:
            self.cache[key] = rows
        return rows

    def consultant(self, row: dict[str, Any]) -> str:
        """Return a deal's consultant: the ledger's, else the deal file's, else 未登记."""
        return row.get("salesperson") or self.salespeople.get(row.get("deal_no") or "", "未登记")


def build(project, db, period: Period, targets: Targets, salespeople: dict[str, str]) -> Report:
    """Compute the report of a period from the project's scope of the ledger and the project's targets."""
    src = Source(project, db, salespeople)
    start, end = period.start.isoformat(), period.end.isoformat()
    now_, year = _actuals(src, start, end), _actuals(src, f"{period.start.year}-01-01", end, keep=False)
    r = Report(project.name, period)
    keys = ([period.label], [f"{period.start.year}-{m:02d}" for m in range(1, period.end.month + 1)])
    rows = {key: _progress(key, now_[key], year[key], targets, *keys) for key in _scopes(now_, year, targets, src)}
    r.progress = rows[PROJECT]
    r.consultants = _ranked([x for k, v in rows.items() if k[0] == "顾问" for x in v if x["measure"] == "签约金额"])
    r.team = _team(r.consultants, rows)
    r.scopes = [x for k in sorted(rows) if k[0] in ("楼栋", "产品") for x in rows[k]]
    r.weeks = _weeks(src, period, targets)
    period_stock.fill(r, src)
    period_sales.fill(r, src)
    period_money.fill(r, src)
    return r


def _zero() -> dict[str, Decimal]:
    return {k: ZERO for k in MEASURES}


def _actuals(
    src: Source, start: str, end: str, within: tuple[str, str] | None = None, keep: bool = True
) -> dict[Scope, dict[str, Decimal]]:
    """Sum 认购, 签约 and 回款 for the project, each consultant, building and product (layout).

    `within` keeps only the rows of some days of the period (a week of the month), from the month's rows.
    """
    first, last = within or (start, end)
    out: dict[Scope, dict[str, Decimal]] = defaultdict(_zero)
    for d in src.rows("subscriptions", start, end, keep=keep):
        if first <= d["subscribe_date"] <= last:
            _add(out, src, d, d["unit"], {"认购套数": Decimal(1), "认购金额": d["total"]})
    for d in src.rows("signings", start, end, keep=keep):
        if first <= d["date"] <= last:
            _add(out, src, d, d["unit"], {"签约套数": Decimal(1), "签约金额": d["total"]})
    for rec in src.rows("receipts", start, end, keep=keep):
        if first <= rec["date"] <= last:
            _add(out, src, rec, rec["unit"], {"回款": -rec["amount"] if rec["kind"] == "退款" else rec["amount"]})
    out[PROJECT]  # the project row exists even in an empty period
    return out


def _add(out, src: Source, row: dict[str, Any], code: str, figures: dict[str, Decimal]) -> None:
    scopes = [PROJECT, ("顾问", src.consultant(row))]
    unit = src.project.units.get(code)
    if unit is not None:
        scopes += [("楼栋", unit.building), ("产品", unit.layout)]
    for scope in scopes:
        for k, v in figures.items():
            out[scope][k] += v


def _scopes(now_, year, targets: Targets, src: Source) -> list[Scope]:
    """The scopes shown: the project, every consultant known, and each building or product with figures."""
    named = {k for p in targets.periods.values() for k in p}
    found = set(now_) | set(year) | {("顾问", n) for n in src.salespeople.values()}
    return [PROJECT] + sorted((found | {k for k in named if k[0] != "项目"}) - {PROJECT})


def _progress(key: Scope, now_, year, targets: Targets, periods, ytd) -> list[dict[str, Any]]:
    now_, year = now_ or _zero(), year or _zero()
    t_now, t_year = targets.get(periods, *key) or {}, targets.get(ytd, *key) or {}
    return [
        {
            "kind": key[0],
            "scope": key[1],
            "measure": k,
            "actual": now_[k],
            "target": t_now.get(k),
            "rate": rate(now_[k], t_now.get(k)),
            "ytd_actual": year[k],
            "ytd_target": t_year.get(k),
            "ytd_rate": rate(year[k], t_year.get(k)),
        }
        for k in MEASURES
    ]


def rate(actual: Decimal, target: Decimal | None) -> Decimal | None:
    """Return actual over target in percent to 0.1, or None without a target."""
    if not target:
        return None
    return (Decimal(actual) / target * 100).quantize(Decimal("0.1"))


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = sorted(rows, key=lambda r: (-r["actual"], r["scope"]))
    return [{**r, "rank": i + 1} for i, r in enumerate(rows)]


def _team(ranked: list[dict[str, Any]], rows: dict[Scope, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Sales by consultant: every measure and its target, in the ranking's order."""
    out = []
    for c in ranked:
        mine = {x["measure"]: x for x in rows[("顾问", c["scope"])]}
        out.append(
            {"name": c["scope"], "rank": c["rank"]}
            | {m: mine[m]["actual"] for m in MEASURES}
            | {"targets": {m: mine[m]["target"] for m in MEASURES}}
        )
    return out


def _weeks(src: Source, period: Period, targets: Targets) -> list[dict[str, Any]]:
    """Each week's project figures (the month's days of it) beside the week's own targets."""
    out = []
    for w in period.weeks():
        days = (w.start.isoformat(), w.end.isoformat())
        actual = _actuals(src, period.start.isoformat(), period.end.isoformat(), days)[PROJECT]
        target = targets.get([w.label])
        out.append({"week": w.label, "start": w.start, "end": w.end, "actual": actual, "target": target})
    return out
