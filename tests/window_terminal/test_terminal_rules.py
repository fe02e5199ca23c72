"""The terminal applies the hall's rules: 过号 only after the configured calls were heard; pausing needs a reason."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.announced import hear_all_calls

from .conftest import issue, login


def test_no_show_is_offered_only_after_the_configured_number_of_calls(hall, device):
    issue(hall, 1)
    page = device()
    login(page, hall, 1, "BZY001")
    page.click("#act-call-next")
    expect(page.locator("#act-recall")).to_be_enabled()
    expect(page.locator("#act-no-show")).to_be_disabled()  # pilot hall: no_show_after_calls = 2
    page.keyboard.press("r")
    expect(page.locator("#current-state")).to_have_text("已呼叫（第2次）")
    expect(page.locator("#act-no-show")).to_be_disabled()  # made twice, not yet heard
    hear_all_calls(hall.server, hall.hall_id)
    hall.clock.advance(seconds=20)  # and the resident had the hall's wait to come up
    expect(page.locator("#act-no-show")).to_be_enabled()
    page.click("#act-no-show")
    expect(page.locator("#no-current")).to_be_visible()


def test_pausing_asks_for_a_reason_and_shows_it(hall, device, shot):
    page = device()
    login(page, hall, 3, "BZY003")
    page.click("#act-pause")
    page.locator("dialog .chips button", has_text="参加会议").click()
    page.click("#dialog-ok")
    expect(page.locator("#paused")).to_have_text("暂停服务中：参加会议")
    expect(page.locator("#act-call-next")).to_be_disabled()
    shot(page, "terminal-3-paused")
    page.click("#act-resume-window")
    expect(page.locator("#act-call-next")).to_be_enabled()
