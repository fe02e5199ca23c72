"""Staff pages speak Chinese on a PC whose browser is set to English; English only when chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

# page address, element, its Chinese text (the catalog's zh_CN entry)
PAGES = [
    ("/window/1", "#login-title", "工作人员登录"),
    ("/supervisor", "#login-title", "值班负责人登录"),
    ("/cases-ui/window/1", "#start h2", "新办件"),
    ("/cases-ui/backoffice", "h1", "部门办件箱"),
]


@pytest.fixture
def english_browser(browser):
    contexts = []

    def open_page():
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield open_page
    for ctx in contexts:
        ctx.close()


@pytest.mark.parametrize(("path", "selector", "chinese"), PAGES)
def test_staff_page_is_chinese_in_an_english_browser(live_hall, english_browser, path, selector, chinese):
    page = english_browser()
    page.goto(live_hall.base_url + path)
    expect(page.locator(selector)).to_have_text(chinese)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def test_catalog_admin_is_chinese_in_an_english_browser(live_hall, english_browser):
    page = english_browser()
    page.goto(f"{live_hall.base_url}/admin/matters?token={live_hall.tokens['admin']}")
    expect(page.locator("h1")).to_have_text("事项清单管理")


def test_terminal_is_english_only_when_chosen(live_hall, english_browser):
    page = english_browser()
    page.goto(f"{live_hall.base_url}/window/1?lang=en")
    expect(page.locator("#login-title")).to_have_text("Staff log-in")


def test_api_errors_on_a_chinese_page_are_chinese_in_an_english_browser(live_hall, english_browser):
    page = english_browser()
    page.goto(f"{live_hall.base_url}/window/1")
    page.fill("#staff-no", "BZY001")
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    expect(page.locator("#toast")).to_contain_text("密码")
