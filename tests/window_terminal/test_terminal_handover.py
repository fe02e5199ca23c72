"""AB岗: B takes over window 2 from A mid-day; the pad and the hand-over log follow."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import login


def test_b_takes_over_from_a_and_the_pad_shows_b(hall, device, shot):
    pad = device()
    pad.goto(f"{hall.base_url}/pad/2?token={hall.tokens['pad-2']}")
    expect(pad.locator("#staff-name")).to_have_text("王建国")  # A post, signed in at opening

    page = device()
    login(page, hall, 2, "BZY004")  # 张伟, the B person of window 2
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-current")).to_contain_text("王建国")
    page.fill("#takeover-reason", "王建国请假")
    shot(page, "terminal-0-takeover")
    page.click("#signin-submit")
    expect(page.locator("#duty")).to_contain_text("张伟（BZY004，B岗）")

    expect(pad.locator("#staff-name")).to_have_text("张伟")
    expect(pad.locator("#staff-meta")).to_contain_text("B岗")
    shifts = hall.client("supervisor").get("/shifts").json()["shifts"]
    handed = [s for s in shifts if s["window"] == 2]
    assert [(s["staff_no"], s["post"], s["reason"]) for s in handed] == [
        ("BZY002", "A", "王建国请假"),
        ("BZY004", "B", None),
    ]
