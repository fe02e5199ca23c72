"""The terminal as a clerk works it all day: one key for 办结并叫下一位, 过号 saying when it comes,
a transfer list one can search, and the day's count of residents served."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import issue, login


def test_one_key_finishes_the_resident_and_calls_the_next(hall, device, shot):
    first, second = issue(hall, 2)
    page = device(width=1366, height=768)
    login(page, hall, 1, "BZY001")
    expect(page.locator("#served")).to_have_text("今日已办结 0 人")
    expect(page.locator("#act-call-next")).to_be_enabled()
    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(first["number"])
    expect(page.locator("#act-start")).to_be_enabled()
    page.keyboard.press("s")
    expect(page.locator("#current-state")).to_have_text("办理中")
    expect(page.locator("#act-finish-next")).to_be_enabled()
    shot(page, "terminal-finish-next-zh")
    page.keyboard.press("Enter")
    expect(page.locator("#current-number")).to_have_text(second["number"])
    expect(page.locator("#served")).to_have_text("今日已办结 1 人")
    assert hall.client("supervisor").get(f"/tickets/{first['id']}/history").json()["ticket"]["state"] == "finished"


def test_no_show_says_how_many_calls_it_waits_for(hall, device):
    issue(hall, 1)
    page = device(width=1366, height=768)
    login(page, hall, 1, "BZY001")
    page.click("#act-call-next")
    expect(page.locator("#act-no-show")).to_be_disabled()
    expect(page.locator("#no-show-why")).to_have_text("呼叫满2次后可过号（已呼叫1次）")
    page.click("#act-recall")
    expect(page.locator("#act-no-show")).to_be_enabled()
    expect(page.locator("#no-show-why")).to_have_count(0)


def test_transfer_target_is_found_by_typing_part_of_its_name(hall, device, shot):
    ticket = issue(hall, 1)[0]
    page = device(width=1366, height=768)
    login(page, hall, 1, "BZY001")
    page.click("#act-call-next")
    page.click("#act-transfer")
    page.fill("#transfer-search", "低保")
    options = page.locator("#transfer-list .target")
    expect(options).to_have_count(1)
    expect(options).to_contain_text("最低生活保障申请")
    shot(page, "terminal-transfer-search-zh")
    page.click("#dialog-ok")
    expect(page.locator("#no-current")).to_be_visible()
    line = hall.client("supervisor").get("/queue").json()["waiting"]
    assert [t["matter_name"] for t in line if t["id"] == ticket["id"]] == ["最低生活保障申请"]


def test_transfer_without_a_choice_says_so_in_the_dialog(hall, device):
    issue(hall, 1)
    page = device(width=1366, height=768)
    login(page, hall, 1, "BZY001")
    page.click("#act-call-next")
    page.click("#act-transfer")
    page.fill("#transfer-search", "窗口")
    page.click("#dialog-ok")
    expect(page.locator("#dialog-error")).to_have_text("请先在列表中选择转到哪里。")
    expect(page.locator("#current-number")).to_be_attached()
