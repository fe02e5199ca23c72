"""A clerk serves a resident end to end on the terminal; the resident rates on the pad."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import issue, login


def test_whole_service_from_call_to_rating(hall, device, shot):
    tickets = issue(hall, 2)
    pad = device()
    pad.goto(f"{hall.base_url}/pad/2?token={hall.tokens['pad-2']}")
    expect(pad.locator("#staff-name")).to_have_text("王建国")
    shot(pad, "pad-1-idle")

    page = device()
    login(page, hall, 2, "BZY002")
    expect(page.locator("#desk")).to_be_visible()
    expect(page.locator("#h-line")).to_contain_text("2")
    shot(page, "terminal-1-ready")
    page.click("#act-call-next")
    expect(page.locator("#current-number")).to_have_text(tickets[0]["number"])
    expect(page.locator("#h-line")).to_contain_text("1")
    page.keyboard.press("s")  # 开始办理 by shortcut
    expect(page.locator("#current-state")).to_have_text("办理中")
    shot(page, "terminal-2-serving")
    page.click("#act-finish")
    expect(page.locator("#no-current")).to_be_visible()

    expect(pad.locator("#asking")).to_be_visible()
    expect(pad.locator("#ask-service")).to_contain_text(tickets[0]["number"])
    shot(pad, "pad-2-asking")
    pad.click("button[data-level='2']")
    expect(pad.locator("#reasons")).to_be_visible()
    pad.click("button[data-tag='等候时间长']")
    for d in "13812345678":
        pad.click(f"button[data-digit='{d}']")
    shot(pad, "pad-3-reasons")
    pad.click("#submit")
    expect(pad.locator("#thanks")).to_be_visible()
    shot(pad, "pad-4-thanks")

    ratings = hall.client("supervisor").get("/ratings").json()["ratings"]
    assert [(r["number"], r["level"], r["tags"], r["phone"]) for r in ratings] == [
        (tickets[0]["number"], 2, ["等候时间长"], "138****5678")
    ]
    expect(pad.locator("#idle")).to_be_visible(timeout=15_000)
