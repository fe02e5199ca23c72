"""The terminal as a clerk works it all day: one key for 办结并叫下一位, 过号 saying when it comes,
a transfer list one can search, and the day's count of residents served."""

from __future__ import annotations

from playwright.sync_api import expect

from hall_common.i18n import message
from tests.support.announced import hear_all_calls

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


def report_heard_calls(hall) -> None:
    """What `yichuang announcer` does after saying each call: POST /announcements with its token."""
    steps = hall.client("supervisor").get("/tickets/1/history").json()["steps"]
    board = hall.client("board")
    for step in steps:
        if step["type"] in ("ticket.called", "ticket.recalled"):
            board.post("/announcements", json={"event_id": step["event_id"], "device": "board-1"}).raise_for_status()


def test_no_show_says_why_not_yet_and_from_when_and_lights_up_by_itself(hall, device, shot):
    issue(hall, 1)
    page = device(width=1366, height=768)
    login(page, hall, 1, "BZY001")
    page.click("#act-call-next")
    why = page.locator("#no-show-why")
    expect(page.locator("#act-no-show")).to_be_disabled()
    expect(why).to_have_text("需播报满2次才能过号（已呼叫1次），请先重呼")
    page.click("#act-recall")
    # Called twice, but the hall's voice has not said it yet: 过号 still waits.
    expect(why).to_have_text("语音还在播报前面的号：已播报0/2次，播报完才能过号")
    expect(page.locator("#act-no-show")).to_be_disabled()
    report_heard_calls(hall)
    # No reload: the announcement's event redraws the key with the time it becomes possible.
    expect(why).to_have_text("已播报2次，给群众走到窗口的时间：10:00:20 起可过号")
    shot(page, "terminal-no-show-wait-zh")
    hall.clock.advance(seconds=25)
    expect(page.locator("#act-no-show")).to_be_enabled()  # again without a reload
    expect(why).to_have_count(0)
    page.click("#act-no-show")
    expect(page.locator("#no-current")).to_be_visible()


def test_the_no_show_reason_is_chinese_in_an_english_browser(hall, browser, shot):
    issue(hall, 1)
    ctx = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="en-US", extra_http_headers={"Accept-Language": "en-US,en"}
    )
    try:
        page = ctx.new_page()
        login(page, hall, 1, "BZY001")
        page.click("#act-call-next")
        page.click("#act-recall")
        expect(page.locator("#no-show-why")).to_contain_text("0/2")  # the recall is in
        report_heard_calls(hall)
        expect(page.locator("#no-show-why")).to_have_text("已播报2次，给群众走到窗口的时间：10:00:20 起可过号")
        shot(page, "terminal-no-show-wait-en-browser")
    finally:
        ctx.close()


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


def test_a_number_called_but_never_started_cannot_be_finished(hall):
    """The server's rule, whatever the client: a resident who never came is not counted as served."""
    ticket = issue(hall, 1)[0]
    clerk = hall.client("clerk-1")
    clerk.post("/windows/1/call-next").raise_for_status()
    refused = clerk.post("/windows/1/finish")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "finish_not_started"
    assert error["message"].startswith(f"{ticket['number']}号还没有开始办理，不能办结")
    assert "开始办理" in error["message"] and "过号" in error["message"]
    desk = clerk.get("/windows/1/desk").json()
    assert desk["current"]["state"] == "called" and desk["finished_today"] == 0
    assert "finish" not in desk["allowed_actions"]


def test_the_one_key_on_a_number_never_started_says_why_and_offers_start(hall, device, shot):
    first, second = issue(hall, 2)
    page = device(width=1366, height=768)
    login(page, hall, 1, "BZY001")
    expect(page.locator("#act-call-next")).to_be_enabled()
    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(first["number"])
    key = page.locator("#act-finish-next")
    expect(key).to_be_enabled()
    expect(page.locator("#finish-next-why")).to_have_text("还没开始办理，不能办结")
    page.keyboard.press("Enter")
    expect(page.locator("#not-started-title")).to_have_text(f"{first['number']}号还没有开始办理")
    expect(page.locator("#not-started-no-show")).to_be_disabled()  # called once: 过号 waits for the second call
    # The same words as the 过号 key's own reason (pilot hall: two calls heard before 过号).
    expect(page.locator("#not-started-wait")).to_have_text(message("terminal.no_show_recall_needed", needed=2, calls=1))
    shot(page, "terminal-finish-not-started-zh")
    page.keyboard.press("s")
    expect(page.locator("#current-state")).to_have_text("办理中")
    expect(page.locator("#served")).to_have_text("今日已办结 0 人")
    page.keyboard.press("Enter")  # now started: the key finishes and calls the next
    expect(page.locator("#current-number")).to_have_text(second["number"])
    expect(page.locator("#served")).to_have_text("今日已办结 1 人")


def test_in_english_the_one_key_on_a_number_never_started_offers_no_show(hall, device, shot):
    ticket = issue(hall, 1)[0]
    page = device(width=1366, height=768)
    login(page, hall, 1, "BZY001")
    expect(page.locator("#desk")).to_be_visible()
    page.click("#language")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#act-call-next")).to_be_enabled()
    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    page.keyboard.press("r")  # the second call
    expect(page.locator("#current-state")).to_have_text(message("terminal.state_called", "en", count=2))
    hear_all_calls(hall.server, hall.hall_id)  # the hall's voice said both calls
    hall.clock.advance(seconds=20)  # and the resident had the hall's wait to come up: 过号 is allowed now
    expect(page.locator("#act-no-show")).to_be_enabled()
    expect(page.locator("#finish-next-why")).to_have_text("Not started yet: cannot finish")
    page.keyboard.press("Enter")
    expect(page.locator("#not-started-title")).to_have_text(f"{ticket['number']} has not been started")
    expect(page.locator("#not-started-no-show")).to_be_enabled()
    shot(page, "terminal-finish-not-started-en")
    page.keyboard.press("x")
    expect(page.locator("#no-current")).to_be_visible()
    history = hall.client("supervisor").get(f"/tickets/{ticket['id']}/history").json()["ticket"]
    assert history["state"] == "no_show"
    expect(page.locator("#served")).to_contain_text("0")
