"""The monthly report over a large ledger: time and peak memory against SQLite running the report's queries alone.

The queries alone are the very calls one report makes (recorded, then replayed), rows fetched and nothing else.
Every deal has a consultant, a 分期付款 plan of four lines and two discounts, so the ageing table is full.

Two sizes in one run (10,000 units / 5,000 deals / 20,000 receipts, then twice that) show how the cost grows.
The ledger is filled with plain INSERTs; the project is a synthetic price list of the same size.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import random
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runs import record  # noqa: E402

from toolkit.domain.project import Unit  # noqa: E402
from toolkit.domain.targets import Targets
from toolkit.ledger import analytics as q
from toolkit.ledger.sales import Sales
from toolkit.ledger.store import Ledger
from toolkit.reports.period import build, parse_period
from toolkit.reports.period_xlsx import write_xlsx

PERIOD = parse_period("2026-11")


def project(n_units: int):
    units = {}
    for i in range(n_units):
        b, f, r = i // 1000 + 1, i % 1000 // 4 + 2, i % 4 + 1
        code = f"{b}-{f:02d}{r:02d}"
        units[code] = Unit(
            code,
            str(b),
            f,
            f"{r:02d}",
            "3室2厅2卫",
            "南",
            Decimal("98.76"),
            Decimal("79.32"),
            Decimal("19.44"),
            Decimal(69540),
            Decimal(73712),
            Decimal(66063),
            "待售",
        )
    return SimpleNamespace(name="基准楼盘", code="BEN", units=units)


def fill(path: Path, proj, n_deals: int, n_receipts: int) -> Ledger:
    ledger = Ledger(path, proj.code)
    s = Sales(ledger, {c: u.status for c, u in proj.units.items()})
    rnd, codes, day0 = random.Random(7), list(proj.units), dt.date(2026, 1, 1)
    db = ledger.db
    db.execute("BEGIN")
    for i in range(n_deals):
        d = (day0 + dt.timedelta(days=rnd.randrange(334))).isoformat()
        status = "已签约" if i % 2 else "已认购"
        day = dt.date.fromisoformat(d)
        deadline, signed = (day + dt.timedelta(days=7)).isoformat(), (day + dt.timedelta(days=i % 12)).isoformat()
        db.execute(
            "INSERT INTO deals(project, deal_no, unit, status, buyers, total, deposit, payment_method, subscribe_date, "
            "updated_at, salesperson, sign_deadline, sign_date, plan, discounts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (proj.code, f"D{i}", codes[i], status, "[]", "6867300", "50000", "分期付款", d, d, f"顾问{i % 12}", deadline,
             signed if status == "已签约" else None, plan(day), DISCOUNTS),
        )  # fmt: skip
        db.execute(
            "INSERT INTO units(project, code, status, deal_no, updated_at) VALUES (?,?,?,?,?)",
            (proj.code, codes[i], status, f"D{i}", d),
        )
        db.execute(
            "INSERT INTO unit_events(project, code, status, deal_no, at) VALUES (?,?,?,?,?)",
            (proj.code, codes[i], "已认购", f"D{i}", d),
        )
        if status == "已签约":
            db.execute(
                "INSERT INTO unit_events(project, code, status, deal_no, at) VALUES (?,?,?,?,?)",
                (proj.code, codes[i], "已签约", f"D{i}", signed + "T10:00:00"),
            )
    for i in range(n_receipts):
        k = rnd.randrange(n_deals)
        d = (day0 + dt.timedelta(days=rnd.randrange(334))).isoformat()
        db.execute(
            "INSERT INTO receipts VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (proj.code, f"R{i:06d}", d, "某", codes[k], f"D{k}", "房款", "300000", "转账", "X", "", "有效"),
        )
    db.execute("COMMIT")
    return s


DISCOUNTS = json.dumps(
    [{"name": "开盘优惠", "kind": "公开优惠", "rate_pct": "1", "amount": "69367.68", "approved_by": "", "approver_role": ""},
     {"name": "额外优惠", "kind": "额外优惠", "rate_pct": "1", "amount": "68673.99", "approved_by": "周敏",
      "approver_role": "案场经理"}],
    ensure_ascii=False,
)  # fmt: skip


def plan(day: dt.date) -> str:
    """A 分期付款 plan: the 定金, then three instalments a month apart (some fall due, some overdue)."""
    rows = [{"item": "定金", "amount": "50000", "due": day.isoformat(), "loan": False}]
    rows += [
        {
            "item": f"第{n}期房款",
            "amount": "2272433",
            "due": (day + dt.timedelta(days=30 * n)).isoformat(),
            "loan": False,
        }
        for n in (1, 2, 3)
    ]
    return json.dumps(rows, ensure_ascii=False)


def recorded_queries(proj, db, people) -> list[tuple[str, tuple, dict]]:
    """Return every analytics query one report makes, with its arguments (to replay them alone)."""
    calls: list[tuple[str, tuple, dict]] = []
    names = [n for n in dir(q) if not n.startswith("_") and inspect.isfunction(getattr(q, n))]  # not Scope
    originals = {n: getattr(q, n) for n in names if getattr(getattr(q, n), "__module__", "") == q.__name__}
    for name, fn in originals.items():
        setattr(q, name, lambda *a, _n=name, _f=fn, **k: calls.append((_n, a[1:], k)) or _f(*a, **k))
    try:
        build(proj, db, PERIOD, Targets(), people)
    finally:
        for name, fn in originals.items():
            setattr(q, name, fn)
    return calls


def queries_alone(db, calls) -> None:
    """Run the report's SQL exactly as the report calls it, rows fetched and nothing else."""
    for name, args, kwargs in calls:
        getattr(q, name)(db, *args, **kwargs)


def timed(fn) -> float:
    """Return the best of three runs in CPU seconds of this process (the machine is shared: wall time is noise)."""
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def run(scale: int, tmp: Path) -> None:
    proj = project(10_000 * scale)
    s = fill(tmp / f"l{scale}.sqlite", proj, 5_000 * scale, 20_000 * scale)
    people = {f"D{i}": f"顾问{i % 12}" for i in range(5_000 * scale)}
    scope = s.reports_connection()  # the project's rows, as the report reads them
    calls = recorded_queries(proj, scope, people)
    sql = timed(lambda: queries_alone(scope, calls))
    figures = timed(lambda: build(proj, scope, PERIOD, Targets(), people))
    report = timed(lambda: write_xlsx(build(proj, scope, PERIOD, Targets(), people), tmp / "r.xlsx"))
    tracemalloc.start()
    build(proj, scope, PERIOD, Targets(), people)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        f"x{scale}: {len(proj.units)} units  figures {figures * 1000:6.0f} ms  report+XLSX {report * 1000:7.0f} ms  "
        f"SQL alone ({len(calls)} queries) {sql * 1000:6.0f} ms  figures/SQL {figures / sql:4.1f}  "
        f"report/SQL {report / sql:4.1f}  peak {peak:5.1f} MiB (figures); CPU time, best of 3"
    )
    record("reports", f"x{scale} report+XLSX / its SQL alone", [report / sql], "(anchor)")
    s.ledger.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        for scale in (1, 2):
            run(scale, Path(d))
