"""The web page in a real browser: Debian's chromium driven by Playwright against a uvicorn server."""

from __future__ import annotations

import pytest
from playwright import sync_api

from tests.web.conftest import PASSWORD, altered, make_project
from tests.web.server import CHROMIUM, log_in, serving

pytestmark = pytest.mark.slow  # about 20 s: a server, its check worker and a browser
PINK = "rgb(244, 166, 192)"  # 已认购 on the 销控表 (reports/board.py)


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory, documents):
    project = make_project(tmp_path_factory.mktemp("browser"))
    with serving(project) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield base, browser, documents
        browser.close()


def _page(browser, base: str, name: str):
    page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN").new_page()
    log_in(page, base, name, PASSWORD)
    return page


def test_a_clean_upload_is_accepted_and_the_board_changes_colour_without_a_reload(browser_site):
    base, browser, documents = browser_site
    board = _page(browser, base, "周敏")
    cell = board.locator('[data-code="2-2302"]')
    assert cell.get_attribute("data-status") == "待售"
    uploader = _page(browser, base, "周敏")
    uploader.goto(f"{base}/upload")
    uploader.set_input_files("#files", str(documents / "CHY-2026-0002-subscription.docx"))
    uploader.locator("#results tr[data-outcome=accepted]").wait_for(timeout=60_000)
    sync_api.expect(cell).to_have_attribute("data-status", "已认购", timeout=15_000)  # no reload: the page polls
    sync_api.expect(cell).to_have_css("background-color", PINK)  # after its CSS fade
    assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == PINK


def test_an_altered_upload_is_rejected_and_its_redline_shown(browser_site, tmp_path):
    base, browser, documents = browser_site
    bad = altered(documents / "CHY-2026-0001-subscription.docx", tmp_path / "认购书-改.docx")
    page = _page(browser, base, "周敏")
    page.goto(f"{base}/upload")
    page.set_input_files("#files", str(bad))
    row = page.locator("#results tr[data-outcome=rejected]")
    row.wait_for(timeout=60_000)
    assert "clause.altered" in row.inner_text()
    row.locator("a.pill").click()
    page.wait_for_selector(".redline del")
    assert page.locator(".redline del").first.inner_text() == "不"
    assert page.locator(".redline ins").first.inner_text() == "可"


def _enter_deal(page, base: str, no: str, unit: str, extra: str, id_no: str = "440305198806124536") -> None:
    page.goto(f"{base}/deals/new")
    page.fill("input[name=deal_no]", no)
    page.fill("input[name=unit]", unit)
    page.fill("input[name=buyer_name]", "张伟")
    page.fill("input[name=buyer_id_no]", id_no)
    page.fill("input[name=buyer_phone]", "13800138000")
    page.fill("input[name=buyer_address]", "深圳市南山区科技园路1号")
    page.fill("input[name=lender]", "招商银行深圳分行")
    page.check("input[value=MORTGAGE]")
    page.check("input[value=OPENING]")
    page.fill("input[name=extra_rate_pct]", extra)
    page.click("form.form button[type=submit]")


def test_a_manager_approves_a_discount_within_authority_and_a_consultant_is_refused(browser_site):
    base, browser, _ = browser_site
    consultant = _page(browser, base, "李娜")
    _enter_deal(consultant, base, "CHY-2026-0501", "1-1702", "1")
    consultant.wait_for_url(f"{base}/deals/CHY-2026-0501")
    assert "待审批" in consultant.inner_text("h1")
    consultant.goto(f"{base}/approvals")
    row = consultant.locator("tr", has_text="CHY-2026-0501")
    row.locator("button[value=approve]").click()
    assert "无权操作" in consultant.inner_text("h1") and "审批权限0%" in consultant.inner_text("main")
    manager = _page(browser, base, "周敏")
    manager.goto(f"{base}/approvals")
    manager.locator("tr", has_text="CHY-2026-0501").locator("button[value=approve]").click()
    manager.wait_for_url(f"{base}/deals/CHY-2026-0501")
    assert "已生成" in manager.inner_text("h1")
    assert manager.locator("a[href$='subscription.docx']").count() == 1


def test_a_bad_deal_form_shows_its_field_errors(browser_site):
    base, browser, _ = browser_site
    page = _page(browser, base, "李娜")
    _enter_deal(page, base, "CHY-2026-0502", "1-1703", "0", id_no="12")
    error = page.locator("em.error[data-field=buyer_id_no]")
    error.wait_for()
    assert error.is_visible()
    assert page.locator("label.field.invalid input[name=buyer_id_no]").count() == 1
    assert page.input_value("input[name=buyer_name]") == "张伟"  # what was typed is kept
