"""The lobby board in real headless Chromium against a real hall server on 127.0.0.1."""

from __future__ import annotations

import re

import httpx
import pytest

from hall_server.core.clock import parse_local_time

LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture
def open_board(browser):
    contexts = []

    def open_(hall, query: str = "", viewport=LANDSCAPE):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{hall.base_url}/board?token={hall.tokens['board']}{query}")
        page.wait_for_selector("body[data-ready='1']", timeout=15000)
        return page

    yield open_
    for c in contexts:
        c.close()


def call_next(hall, window: int) -> None:
    """The clerk at ``window`` finishes whoever is in front of them and calls the next number."""
    clerk = hall.client(f"clerk-{window}")
    current = next(w for w in clerk.get("/windows").json()["windows"] if w["number"] == window)
    if current["current_number"]:
        clerk.post(f"/windows/{window}/start").raise_for_status()
        clerk.post(f"/windows/{window}/finish").raise_for_status()
    clerk.post(f"/windows/{window}/call-next").raise_for_status()


def now_calling(page) -> str:
    return page.inner_text("#now-calling")


def wait_until_window_shows(page, window: int, number: str) -> None:
    """The window panel follows the call line (it is redrawn once per burst). The 15 s are the
    suite's usual patience for a loaded box, not a promise about how fast the board is."""
    page.wait_for_function(
        f"() => document.querySelector(\".window[data-window='{window}'] .current\").textContent === '{number}'",
        timeout=15000,
    )


def test_a_call_made_at_a_window_appears_on_the_board(live_hall, open_board):
    # The highlight lasts 8 s by default; a loaded box can spend that between the call being
    # drawn and the last check below, so this board keeps it for 300 s (the longest allowed).
    page = open_board(live_hall, "&highlight=300")
    live_hall.client("kiosk").post("/tickets", json={}).raise_for_status()
    live_hall.client("clerk-2").post("/windows/2/call-next").raise_for_status()
    page.wait_for_function("() => document.querySelector('#now-calling').textContent.includes('A001')", timeout=10000)
    assert now_calling(page) == "请A001号到2号窗口办理"
    assert page.inner_text("#recent-calls li[data-number='A001']").replace("\n", " ").startswith("A001")
    wait_until_window_shows(page, 2, "A001")
    # The new call is highlighted for a few seconds.
    assert "flash" in page.get_attribute("#now-calling", "class")


def test_a_recall_is_marked_on_the_board(live_hall, open_board):
    page = open_board(live_hall)
    live_hall.client("kiosk").post("/tickets", json={}).raise_for_status()
    clerk = live_hall.client("clerk-1")
    clerk.post("/windows/1/call-next").raise_for_status()
    page.wait_for_selector("#recent-calls li[data-number='A001']")
    assert page.is_hidden("#recall-tag")
    clerk.post("/windows/1/recall").raise_for_status()
    page.wait_for_selector("#recent-calls li.recall[data-number='A001']", timeout=10000)
    assert page.is_visible("#recall-tag")
    assert page.inner_text("#recall-tag") == "再次呼叫"
    assert "再次呼叫" in page.inner_text("#recent-calls li[data-number='A001']")


def test_a_paused_window_shows_paused_with_its_reason(live_hall, open_board):
    page = open_board(live_hall)
    assert page.inner_text(".window[data-window='3'] .state") == "空闲"  # open and staffed, nobody in front
    live_hall.client("clerk-3").post("/windows/3/pause", json={"reason": "临时离开"}).raise_for_status()
    page.wait_for_selector(".window.state-paused[data-window='3']", timeout=10000)
    assert page.inner_text(".window[data-window='3'] .state").replace("\n", "") == "暂停服务（临时离开）"
    live_hall.client("clerk-3").post("/windows/3/resume-window").raise_for_status()
    page.wait_for_selector(".window.state-idle[data-window='3']", timeout=10000)


def test_each_window_shows_the_clerk_on_duty_with_staff_number(live_hall, open_board):
    page = open_board(live_hall)
    staff = page.inner_text(".window[data-window='1'] .staff")
    windows = live_hall.client("board").get("/windows").json()["windows"]
    clerk = windows[0]["staff"]
    assert clerk["name"] in staff and clerk["staff_no"] in staff and "A岗" in staff


def _valid_id_number(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=False)) % 11]


def test_the_board_never_shows_a_residents_name_or_id_number(live_hall, open_board):
    page = open_board(live_hall)
    id_number = _valid_id_number("34152219500101002")
    booked = live_hall.client("supervisor").post(
        "/appointments", json={"resident_name": "张三丰", "slot_start": "2026-11-26T11:00", "id_number": id_number}
    )
    booked.raise_for_status()
    live_hall.clock.set(parse_local_time("2026-11-26 10:45"))  # within the check-in window of the 11:00 slot
    live_hall.client("kiosk").post("/tickets", json={"id_number": id_number}).raise_for_status()
    called = live_hall.client("clerk-1").post("/windows/1/call-next").json()["ticket"]
    page.wait_for_selector(f"#recent-calls li[data-number='{called['number']}']", timeout=10000)
    html = page.content()
    assert id_number not in html and id_number[-4:] not in page.inner_text("body")
    assert "张三丰" not in html


def test_the_board_shows_the_servers_clock_not_the_tvs(live_hall, open_board):
    # The hall's (fake) clock says Thursday 10:00 in Shanghai; the machine's clock does not.
    page = open_board(live_hall)
    page.wait_for_function("() => /^10:0/.test(document.querySelector('#clock-time').textContent)", timeout=10000)
    assert "11月26日" in page.inner_text("#clock-date") and "星期四" in page.inner_text("#clock-date")


def test_the_board_shows_waiting_count_hours_and_extended_slot(live_hall, open_board):
    page = open_board(live_hall)
    assert page.inner_text("#waiting-count") == "0人"
    kiosk = live_hall.client("kiosk")
    for _ in range(3):
        kiosk.post("/tickets", json={}).raise_for_status()
    page.wait_for_function("() => document.querySelector('#waiting-count').textContent === '3人'", timeout=10000)
    hours = page.inner_text("#hours")
    assert "09:00–12:00" in hours and "13:30–17:30" in hours
    assert re.search(r"延时服务 17:30–18:30", hours)


def test_a_board_for_some_windows_shows_only_those(live_hall, open_board):
    page = open_board(live_hall, "&windows=1")
    assert page.locator(".window").count() == 1
    kiosk = live_hall.client("kiosk")
    kiosk.post("/tickets", json={}).raise_for_status()
    kiosk.post("/tickets", json={}).raise_for_status()
    live_hall.client("clerk-2").post("/windows/2/call-next").raise_for_status()
    live_hall.client("clerk-1").post("/windows/1/call-next").raise_for_status()
    page.wait_for_selector("#recent-calls li[data-number='A002']", timeout=10000)
    assert page.locator("#recent-calls li").count() == 1


def test_the_board_loads_nothing_from_outside_the_hall_server(live_hall, browser):
    context = browser.new_context(viewport=LANDSCAPE)
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    page = context.new_page()
    page.goto(f"{live_hall.base_url}/board?token={live_hall.tokens['board']}")
    page.wait_for_selector("body[data-ready='1']")
    context.close()
    assert urls and all(u.startswith(live_hall.base_url) or u.startswith("data:") for u in urls), urls


def test_a_board_without_token_gets_a_chinese_explanation(live_hall):
    r = httpx.get(f"{live_hall.base_url}/board")
    assert r.status_code == 400 and "显示屏令牌" in r.text and "token" in r.text


def test_a_board_with_a_wrong_token_says_so(live_hall, browser):
    page = browser.new_page()
    try:
        page.goto(f"{live_hall.base_url}/board?token=not-a-token")
        page.wait_for_selector("#fatal:not([hidden])", timeout=10000)
        assert "令牌无效" in page.inner_text("#fatal")
    finally:
        page.close()


def test_board_survives_a_network_drop_and_catches_up(restartable_hall, open_board):
    hall, http = restartable_hall
    page = open_board(hall)
    kiosk, clerk1 = hall.client("kiosk"), hall.client("clerk-1")
    for _ in range(3):
        kiosk.post("/tickets", json={}).raise_for_status()
    clerk1.post("/windows/1/call-next").raise_for_status()
    page.wait_for_selector("#recent-calls li[data-number='A001']", timeout=10000)

    http.cut()
    page.wait_for_selector("#connection:not([hidden])", timeout=15000)
    assert "网络连接中断" in page.inner_text("#connection")
    page.screenshot(path="/tmp/board_offline.png")
    assert now_calling(page) == "请A001号到1号窗口办理"  # the last state stays on screen
    # Calls made while the board is cut off, straight through the services.
    from hall_server.services.access import Principal

    clerk_1 = Principal(hall.hall_id, "clerk", "test", 1)
    hall.server.windows.call_next(Principal(hall.hall_id, "clerk", "test", 2), 2)
    hall.server.windows.start(clerk_1, 1)
    hall.server.windows.finish(clerk_1, 1)
    hall.server.windows.call_next(clerk_1, 1)

    http.restore()
    page.wait_for_selector("#connection[hidden]", state="attached", timeout=30000)
    page.wait_for_selector("#recent-calls li[data-number='A003']", timeout=30000)
    wait_until_window_shows(page, 2, "A002")
    # Both calls made during the drop are still waited for: both in the big area, newest first.
    cards = page.eval_on_selector_all("#now-calling .call-card", "els => els.map(e => e.dataset.number)")
    assert cards == ["A003", "A002"]
    numbers = page.eval_on_selector_all("#recent-calls li", "els => els.map(e => e.dataset.number)")
    assert numbers[:3] == ["A003", "A002", "A001"]


@pytest.mark.parametrize("layout,viewport", [("landscape", LANDSCAPE), ("portrait", PORTRAIT)])
def test_layout_fits_the_screen(live_hall, open_board, layout, viewport):
    kiosk = live_hall.client("kiosk")
    for _ in range(6):
        kiosk.post("/tickets", json={}).raise_for_status()
    for n in (1, 2, 1, 2, 3):
        call_next(live_hall, n)
    live_hall.client("clerk-2").post("/windows/2/recall").raise_for_status()
    live_hall.client("clerk-3").post("/windows/3/pause", json={"reason": "临时离开"}).raise_for_status()
    page = open_board(live_hall, f"&layout={layout}", viewport)
    page.wait_for_selector(".window.state-paused[data-window='3']")
    page.screenshot(path=f"/tmp/board_{layout}.png")
    # Nothing runs off the screen: no scrolling on a TV.
    width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert width <= viewport["width"] and height <= viewport["height"]
    box = page.locator("#now-calling").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert page.locator(".window").count() == 3
