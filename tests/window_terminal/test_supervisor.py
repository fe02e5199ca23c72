"""The supervisor sees every window and can close one and move its ticket."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import PASSWORD, issue


def test_supervisor_sees_all_windows_and_moves_a_ticket_back_to_the_line(hall, device, shot):
    tickets = issue(hall, 3)
    hall.client("clerk-1").post("/windows/1/call-next")
    hall.client("clerk-2").post("/windows/2/pause", json={"reason": "参加会议"})
    page = device(width=1440, height=900)
    page.goto(f"{hall.base_url}/supervisor")
    page.fill("#staff-no", "BZY900")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator(".wcard")).to_have_count(3)
    expect(page.locator("#window-1 .num")).to_have_text(tickets[0]["number"])
    expect(page.locator("#window-2")).to_contain_text("参加会议")
    shot(page, "supervisor-1-overview")
    page.locator("#window-1 button", has_text="退回队列").click()
    expect(page.locator("#window-1 .num")).to_have_text("空闲")
    expect(page.locator("#line li")).to_have_count(3)
    page.locator("#window-3 button", has_text="关闭窗口").click()
    expect(page.locator("#window-3")).to_have_class("wcard closed")
    shot(page, "supervisor-2-after-moves")
    windows = {w["number"]: w for w in hall.client("board").get("/windows").json()["windows"]}
    assert windows[3]["status"] == "closed" and windows[1]["current_number"] is None


def test_the_supervisor_page_is_chinese_in_an_english_browser(hall, browser):
    page = browser.new_page(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en"})
    page.goto(f"{hall.base_url}/supervisor?token={hall.tokens['supervisor']}")
    expect(page.locator("#title")).to_have_text(re.compile("[\u4e00-\u9fff]"))
    page.close()
