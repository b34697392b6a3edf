"""The monthly report over a large ledger: time and peak memory against SQLite running the report's queries alone.

Two sizes in one run (10,000 units / 5,000 deals / 20,000 receipts, then twice that) show how the cost grows.
The ledger is filled with plain INSERTs; the project is a synthetic price list of the same size.
"""

from __future__ import annotations

import datetime as dt
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
    ledger = Ledger(path)
    s = Sales(ledger, {c: u.status for c, u in proj.units.items()})
    rnd, codes, day0 = random.Random(7), list(proj.units), dt.date(2026, 1, 1)
    db = ledger.db
    db.execute("BEGIN")
    for i in range(n_deals):
        d = (day0 + dt.timedelta(days=rnd.randrange(334))).isoformat()
        status = "已签约" if i % 2 else "已认购"
        db.execute(
            "INSERT INTO deals VALUES (?,?,?,?,?,?,?,?,?)",
            (f"D{i}", codes[i], status, "[]", "6867300", "50000", "商业贷款", d, d),
        )
        db.execute(
            "INSERT INTO units(code, status, deal_no, updated_at) VALUES (?,?,?,?)", (codes[i], status, f"D{i}", d)
        )
        db.execute(
            "INSERT INTO unit_events(code, status, deal_no, at) VALUES (?,?,?,?)", (codes[i], "已认购", f"D{i}", d)
        )
        if status == "已签约":
            db.execute(
                "INSERT INTO unit_events(code, status, deal_no, at) VALUES (?,?,?,?)",
                (codes[i], "已签约", f"D{i}", d + "T10:00:00"),
            )
    for i in range(n_receipts):
        k = rnd.randrange(n_deals)
        d = (day0 + dt.timedelta(days=rnd.randrange(334))).isoformat()
        db.execute(
            "INSERT INTO receipts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (f"R{i:06d}", d, "某", codes[k], f"D{k}", "房款", "300000", "转账", "X", "", "有效"),
        )
    db.execute("COMMIT")
    return s


def queries_alone(db) -> None:
    """Run the report's SQL for the month and the year to date, rows fetched and nothing else."""
    for start in (PERIOD.start.isoformat(), "2026-01-01"):
        end = PERIOD.end.isoformat()
        q.subscriptions(db, start, end), q.signings(db, start, end), q.receipts(db, start, end)
    q.changes(db, PERIOD.start.isoformat(), PERIOD.end.isoformat()), q.unit_statuses(db), q.open_deals(db)


def timed(fn) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def run(scale: int, tmp: Path) -> None:
    proj = project(10_000 * scale)
    s = fill(tmp / f"l{scale}.sqlite", proj, 5_000 * scale, 20_000 * scale)
    people = {f"D{i}": f"顾问{i % 12}" for i in range(5_000 * scale)}
    sql = timed(lambda: queries_alone(s.db))
    report = timed(lambda: write_xlsx(build(proj, s.db, PERIOD, Targets(), people), tmp / "r.xlsx"))
    tracemalloc.start()
    build(proj, s.db, PERIOD, Targets(), people)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        f"x{scale}: {len(proj.units)} units  report+XLSX {report * 1000:7.0f} ms  SQL alone {sql * 1000:6.0f} ms  "
        f"ratio {report / sql:4.1f}  peak {peak:5.1f} MiB (figures)"
    )
    record("reports", f"x{scale} report+XLSX / its SQL alone", [report / sql], "(anchor)")
    s.ledger.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        for scale in (1, 2):
            run(scale, Path(d))
