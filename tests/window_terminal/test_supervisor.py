"""The supervisor sees every window and can close one and move its ticket."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.announced import hear_all_calls

from .conftest import issue, supervisor_login


def test_supervisor_sees_all_windows_and_moves_a_ticket_back_to_the_line(hall, device, shot):
    tickets = issue(hall, 3)
    hall.client("clerk-1").post("/windows/1/call-next")
    hall.client("clerk-2").post("/windows/2/pause", json={"reason": "参加会议"})
    page = device(width=1440, height=900)
    supervisor_login(page, hall)
    expect(page.locator("#window-1 .num")).to_have_text(tickets[0]["number"])
    expect(page.locator("#window-2")).to_contain_text("参加会议")
    shot(page, "supervisor-1-overview")
    page.locator("#window-1 button", has_text="退回队列").click()
    expect(page.locator("#window-1 .num")).to_have_text("空闲")
    expect(page.locator("#line li")).to_have_count(3)
    page.locator("#window-3 button", has_text="关闭窗口").click()
    page.locator("dialog .chips button", has_text="设备故障").click()
    page.click("#dialog-ok")
    expect(page.locator("#window-3")).to_have_class("wcard closed")
    shot(page, "supervisor-2-after-moves")
    windows = {w["number"]: w for w in hall.client("board").get("/windows").json()["windows"]}
    assert windows[3]["status"] == "closed" and windows[1]["current_number"] is None
    assert windows[3]["pause_reason"] == "设备故障"


def supervisor_page(hall, device):
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    return page


def test_voiding_a_number_needs_a_reason(hall, device, shot):
    ticket = issue(hall, 1)[0]
    page = supervisor_page(hall, device)
    page.click(f"#line button[data-cancel='{ticket['number']}']")
    page.click("#dialog-ok")
    expect(page.locator("#dialog-error")).to_have_text("请填写原因后再确认。")
    shot(page, "supervisor-void-needs-reason")
    assert hall.client("supervisor").get("/queue").json()["count"] == 1  # nothing voided yet
    page.fill("#confirm-reason", "群众来电说不来了")
    page.click("#dialog-ok")
    expect(page.locator("#line li")).to_have_count(0)
    steps = hall.client("supervisor").get(f"/tickets/{ticket['id']}/history").json()["steps"]
    assert steps[-1]["state"] == "cancelled"


def test_void_without_a_reason_is_refused_by_the_server(hall):
    ticket = issue(hall, 1)[0]
    r = hall.client("supervisor").post(f"/tickets/{ticket['id']}/cancel", json={})
    assert r.status_code == 400
    assert hall.client("supervisor").get("/queue").json()["count"] == 1


def test_alert_strip_shows_a_printer_fault_and_a_number_stuck_at_its_last_call(hall, device, shot):
    issue(hall, 1)
    hall.client("kiosk").post(
        "/devices/status", json={"device": "kiosk-1/printer", "kind": "printer", "state": "paper_out"}
    )
    clerk = hall.client("clerk-1")
    clerk.post("/windows/1/call-next")
    clerk.post("/windows/1/recall")
    page = supervisor_page(hall, device)
    alerts = page.locator("#alerts li")
    expect(alerts).to_have_count(2)
    expect(page.locator("#alerts li[data-source=devices]")).to_contain_text("取号机 1 的打印机：缺纸")
    expect(page.locator("#alerts li[data-source=stuck]")).to_contain_text("A001 号在综合窗口1已呼叫 2 次")
    shot(page, "supervisor-alerts")
    hear_all_calls(hall.server, hall.hall_id)  # the hall's voice said both calls
    hall.clock.advance(seconds=30)
    clerk.post("/windows/1/no-show").raise_for_status()
    expect(alerts).to_have_count(1)


def test_the_supervisor_page_is_chinese_in_an_english_browser(hall, browser):
    page = browser.new_page(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en"})
    page.goto(f"{hall.base_url}/supervisor?token={hall.tokens['supervisor']}")
    expect(page.locator("#title")).to_have_text(re.compile("[\u4e00-\u9fff]"))
    page.close()
