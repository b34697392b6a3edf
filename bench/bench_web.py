"""The web page under a full ledger: server time per page and API call, and 20 uploads at once.

A copy of the example project gets 1,000 deals (those on the board's units subscribed or signed, the rest
refunded) and 10,000 filed files in its ledger; each page and API call is asked 15 times in process
(Starlette's TestClient: the server's work, no network) and its median compared with the api call the page
is built on (the named baseline, same run). Then a real uvicorn server takes 20 uploads from 20 threads at
once: every one must come back with its own ledger id, nothing lost and nothing doubled.

python bench/bench_web.py
"""

from __future__ import annotations

import concurrent.futures as cf
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from starlette.testclient import TestClient  # noqa: E402

from tests.web.conftest import EXAMPLE, make_project  # noqa: E402
from tests.web.seed import deal_data  # noqa: E402
from tests.web.server import serving  # noqa: E402
from toolkit import api  # noqa: E402
from toolkit.api import accounts, uploads  # noqa: E402
from toolkit.ledger.store import Ledger, ledger_path  # noqa: E402
from toolkit.web.app import create_app  # noqa: E402
from toolkit.web.views_office import daily_figures  # noqa: E402
from toolkit.web.views_sales import board_data  # noqa: E402

DEALS, FILES, REPEAT, UPLOADS = 1000, 10_000, 15, 20


def fill(project: Path) -> list[str]:
    """Put 1,000 deals and 10,000 filed files in the ledger; return the units left for sale."""
    ws = api.open_project(project)
    rng = random.Random(11)
    codes = sorted(c for c, u in ws.project.units.items() if u.building != "4" and u.status == "待售")
    s = api.sales(ws)
    buyers = [{"name": "张伟", "id_no": "440305198806124536", "share_pct": 100}]
    with s.transaction():
        for i in range(DEALS):
            code = codes[i % len(codes)]
            live = i >= DEALS - len(codes) // 2  # the last deals hold half the units; the earlier ones were refunded
            status = rng.choice(["已认购", "已签约"]) if live else "已退房"
            s.save_deal(f"CHY-B-{i:05d}", unit=code, status="已认购", buyers=buyers, total="7000000.00",
                        deposit="50000", payment_method="商业贷款", subscribe_date="2026-11-01")  # fmt: skip
            if live:
                s.set_unit(code, "已认购", f"CHY-B-{i:05d}")
                if status == "已签约":
                    s.save_deal(f"CHY-B-{i:05d}", status="已签约")
                    s.set_unit(code, "已签约", f"CHY-B-{i:05d}")
            else:
                s.save_deal(f"CHY-B-{i:05d}", status="已退房")
    s.close()
    ledger = Ledger(ledger_path(project))
    outcomes = ["accepted"] * 6 + ["rejected"] * 3 + ["quarantine"]
    reasons = [{"rule": "clause.altered", "severity": "error", "message": "条款文字与模板不一致", "location": "第五条"}]
    with ledger.batch():
        for i in range(FILES):
            fid = ledger.claim(f"scan-{i:05d}.docx", project / f".claimed/{i}", 40_000)
            outcome = outcomes[i % len(outcomes)]
            ledger.decide(fid, sha256=f"{i:064x}", outcome=outcome, filed_path=f"/nowhere/{i}.docx",
                          report_path=f"/nowhere/{i}.json", reasons=reasons if outcome != "accepted" else [],
                          document="subscription", deal_no=f"CHY-B-{i % DEALS:05d}", unit=codes[i % len(codes)])  # fmt: skip
            ledger.filed(fid)
    ledger.close()
    held = {c for c, u in board_data(ws)["units"].items() if u["status"] != "待售"}
    return [c for c in codes if c not in held]


def median_ms(call, repeat: int = REPEAT) -> float:
    """Return the median time of a call in milliseconds (after one warm-up call)."""
    call()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def pages(project: Path) -> list[tuple[str, float, str, float | None]]:
    """Time each page and API call, and the api call beneath the main ones."""
    ws = api.open_project(project)
    token = accounts.user_token(ws, "周敏")
    app = create_app(project, uploads=False)
    c = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    page = TestClient(app)
    login = page.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
    page.post("/login", data={"name": "周敏", "password": "pass-word-123", "csrf": login})
    base = {
        "board": lambda: board_data(ws),
        "unit": lambda: api.unit_show(ws, "1-1801"),
        "files": lambda: uploads.recent_files(ws, 100),
        "daily": lambda: daily_figures(ws, "2026-11-01"),
    }
    calls = [
        ("GET /board (424 units)", page, "/board", "board"),
        ("GET /api/units", c, "/api/units", "board"),
        ("GET /api/units?since= (poll)", c, "/api/units?since=999999999", None),
        ("GET /api/units/1-1801", c, "/api/units/1-1801", "unit"),
        ("GET /units/1-1801", page, "/units/1-1801", "unit"),
        ("GET /inbox (200 files)", page, "/inbox", None),
        ("GET /api/files (100)", c, "/api/files", "files"),
        ("GET /api/files/5000", c, "/api/files/5000", None),
        ("GET /files/5000", page, "/files/5000", None),
        ("GET /deals/new", page, "/deals/new", None),
        ("GET /approvals", page, "/approvals", None),
        ("GET /api/approvals", c, "/api/approvals", None),
        ("GET /reports/daily", page, "/reports/daily?date=2026-11-01", "daily"),
        ("GET /api/reports/daily", c, "/api/reports/daily?date=2026-11-01", "daily"),
        ("GET /api/me", c, "/api/me", None),
        ("GET /api/openapi.json", c, "/api/openapi.json", None),
    ]
    out = []
    with TestClient(app):
        for label, client, path, b in calls:
            assert client.get(path).status_code == 200, path
            out.append((label, median_ms(lambda: client.get(path)), b or "", median_ms(base[b]) if b else None))
    return out


def concurrent_uploads(project: Path, free: list[str], tmp: Path) -> dict:
    """Upload 20 distinct clean 认购书 from 20 threads at once through a real server."""
    ws = api.open_project(project)
    base = yaml.safe_load((EXAMPLE / "deals" / "CHY-2026-0001.yaml").read_text(encoding="utf-8"))
    folder = tmp / "upload-deals"
    folder.mkdir()
    paths = []
    for i, code in enumerate(free[:UPLOADS]):
        p = folder / f"CHY-2026-{8000 + i}.yaml"
        p.write_text(
            yaml.safe_dump(deal_data(base, f"CHY-2026-{8000 + i}", code, random.Random(i)), allow_unicode=True)
        )
        paths.append(p)
    docs = [d.docx for d in api.render(ws, deals=paths, docs=["subscription"], out=tmp / "upload-docs").documents]
    token = accounts.user_token(ws, "周敏")
    before = api.inbox_status(project).counts
    with serving(project) as url:

        def send(doc: Path) -> dict:
            with httpx.Client(base_url=url, timeout=300, headers={"Authorization": f"Bearer {token}"}) as h:
                return h.post("/api/files", files={"file": (doc.name, doc.read_bytes())}).json()

        t = time.perf_counter()
        with cf.ThreadPoolExecutor(UPLOADS) as pool:
            answers = list(pool.map(send, docs))
        seconds = time.perf_counter() - t
    after = api.inbox_status(project).counts
    ids = [a.get("id") for a in answers]
    return {
        "uploads": len(docs), "answers": len(answers), "distinct ids": len(set(ids) - {None}),
        "accepted": sum(a.get("outcome") == "accepted" for a in answers),
        "ledger rows added": sum(after.values()) - sum(before.values()), "seconds": round(seconds, 1),
    }  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp))
        t = time.perf_counter()
        free = fill(project)
        print(f"ledger filled: {DEALS} deals, {FILES} files in {time.perf_counter() - t:.1f} s")
        print(f"{'call':34} {'median ms':>10} {'api alone ms':>13}")
        for label, ms, _, base_ms in pages(project):
            print(f"{label:34} {ms:10.1f} {'' if base_ms is None else f'{base_ms:13.1f}'}")
        result = concurrent_uploads(project, free, Path(tmp))
        print("20 concurrent uploads:", result)
        assert result["distinct ids"] == result["uploads"] == result["ledger rows added"] == result["accepted"]


if __name__ == "__main__":
    main()
