"""Take the README's screenshots of the web page: `python -m tests.web.screenshots [docs/img]`.

A copy of the example project gets the scripted November and a third of its units sold, then headless
chromium (Debian's) looks at each main page through a real server.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

import docx
import yaml
from playwright.sync_api import sync_playwright

from tests.web.conftest import EXAMPLE, PASSWORD, USERS, altered
from tests.web.seed import deal_data, seed
from tests.web.server import CHROMIUM, log_in, serving
from toolkit import api
from toolkit.api import accounts
from toolkit.play_activity import play


def prepare(folder: Path) -> tuple[Path, Path]:
    """Return a project with a month of activity and many deals, and the clean documents of its deals."""
    project = play(EXAMPLE, EXAMPLE / "activity" / "2026-11.yaml", folder / "cuihu")
    deals = seed(project)
    ws = api.open_project(project)
    for name, role in USERS.items():
        accounts.user_add(ws, name, role, PASSWORD)
    api.change(ws, "refund", deal_no=deals[0], reason_code="买受人原因", requested_by="李娜")
    return project, _fresh_deal(ws, project, folder / "docs")


def _fresh_deal(ws, project: Path, out: Path) -> Path:
    """Render the 认购书 of a new deal on a unit still for sale; return it."""
    s = api.sales(ws)
    try:
        free = next(c for c, u in s.all_units().items() if u.status == "待售" and c.startswith("1-") and not u.pending)
    finally:
        s.close()
    base = yaml.safe_load((project / "deals" / "CHY-2026-0001.yaml").read_text(encoding="utf-8"))
    path = project / "deals-seed" / "CHY-2026-0700.yaml"
    path.write_text(
        yaml.safe_dump(deal_data(base, "CHY-2026-0700", free, random.Random(1)), allow_unicode=True), "utf-8"
    )
    (doc,) = api.render(ws, deals=[path], docs=["subscription"], out=out).documents
    return doc.docx


def _edited_templates(folder: Path) -> Path:
    """Copy the packs and change two sentences of the presale 认购书's working copy."""
    target = folder / "templates"
    shutil.copytree(api.templates_dir(), target)
    doc = target / "prc-presale" / "subscription.docx"
    d = docx.Document(str(doc))
    edits = {"不向认购人收取任何房价款": "不向认购人收取定金以外的任何款项", "预约合同": "预约合同（认购协议）"}
    for p in d.paragraphs:
        for run in p.runs:
            for old, new in edits.items():
                run.text = run.text.replace(old, new)
    d.save(str(doc))
    return target


def shoot(out: Path) -> list[Path]:
    """Write docs/img/web-*.png."""
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with tempfile.TemporaryDirectory() as tmp:
        project, clean = prepare(Path(tmp))
        bad = altered(clean, Path(tmp) / "CHY-2026-0700-认购书-扫描.docx")
        with serving(project) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context = browser.new_context(
                viewport={"width": 1440, "height": 900}, locale="zh-CN", device_scale_factor=1
            )
            page = context.new_page()

            def snap(name: str, full: bool = False) -> None:
                path = out / f"web-{name}.png"
                page.screenshot(path=str(path), full_page=full)
                shots.append(path)

            page.goto(f"{base}/login")
            snap("login")
            log_in(page, base, "李娜", PASSWORD)
            page.goto(f"{base}/deals/new")
            page.fill("input[name=deal_no]", "CHY-2026-0601")
            page.fill("input[name=unit]", "1-0201")
            page.fill("input[name=buyer_name]", "王晓明")
            page.fill("input[name=buyer_id_no]", "4403051988")
            page.fill("input[name=buyer_phone]", "1380013")
            page.fill("input[name=extra_rate_pct]", "2")
            page.click("form.form button[type=submit]")
            page.wait_for_selector("em.error")
            snap("deal-form", full=True)
            page.fill("input[name=buyer_id_no]", "440305198806124536")
            page.fill("input[name=buyer_phone]", "13800138000")
            page.fill("input[name=buyer_address]", "深圳市南山区科技园路1号")
            page.fill("input[name=lender]", "招商银行深圳分行")
            page.check("input[value=MORTGAGE]")
            page.click("form.form button[type=submit]")
            page.wait_for_url(f"{base}/deals/CHY-2026-0601")
            page.context.clear_cookies()
            log_in(page, base, "周敏", PASSWORD)
            page.goto(f"{base}/upload")
            page.set_input_files("#files", [str(clean), str(bad)])
            page.locator("#results tr[data-outcome=rejected]").wait_for(timeout=120_000)
            page.locator("#results tr[data-outcome=accepted]").wait_for(timeout=120_000)
            snap("upload")
            page.locator("#results tr[data-outcome=rejected] a.pill").first.click()
            page.wait_for_selector(".redline")
            snap("file")
            for name, path, full in (
                ("board", "/board", True), ("inbox", "/inbox", False), ("unit", "/units/1-1801", False), ("deal", "/deals/CHY-2026-0601", False),
                ("approvals", "/approvals", False), ("daily", "/reports/daily?date=2026-11-08", False),
            ):  # fmt: skip
                page.goto(base + path)
                snap(name, full)
            browser.close()
        os.environ["LOUPAN_TEMPLATES"] = str(_edited_templates(Path(tmp)))  # a working copy legal has edited
        with serving(project) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
            log_in(page, base, "吴芳", PASSWORD)
            page.goto(f"{base}/legal")
            snap("legal")
            page.goto(f"{base}/legal/prc-presale/diff?old=1.0.0&new=current")
            snap("legal-diff")
            browser.close()
        del os.environ["LOUPAN_TEMPLATES"]
    return shots


if __name__ == "__main__":
    for shot in shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")):
        print(shot)
