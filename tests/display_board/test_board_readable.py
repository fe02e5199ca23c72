"""The lobby board as a resident 5 m away meets it: a per-window table with large numbers, 空闲 for a
free window, 请…准备 for the next numbers, recent calls that survive a reload, the next opening
date when closed — at 1920×1080 and 1080×1920, with Chinese and English browsers alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hall_server.core.clock import parse_local_time

from .test_board_page import LANDSCAPE, PORTRAIT, call_next

SHOTS = Path("/tmp/board-shots")
SCREENS = [("landscape", LANDSCAPE), ("portrait", PORTRAIT)]
LOCALES = ["zh-CN", "en-US"]
MIN_NUMBER_PX = 60

# Every visible element: inside the screen, and its content inside its own box (no clipped text).
OVERFLOWS = """() => {
  const out = [];
  const W = innerWidth, H = innerHeight;
  for (const e of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE'].includes(e.tagName) || e.closest('[hidden]')) continue;
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const name = e.id || e.className || e.tagName;
    if (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1) out.push(['off-screen', name, e.textContent.slice(0, 30)]);
    if (e.clientWidth && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
      out.push(['overflows', name, e.textContent.slice(0, 30), e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight]);
  }
  return out;
}"""


def assert_nothing_overflows(page) -> None:
    problems = page.evaluate(OVERFLOWS)
    assert problems == [], json.dumps(problems, ensure_ascii=False)


def font_px(page, selector: str) -> list[float]:
    return page.eval_on_selector_all(selector, "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")


def busy_hall(hall) -> None:
    """Seven calls at windows 1 and 2 (window 3 stays free), three numbers still waiting."""
    kiosk = hall.client("kiosk")
    for _ in range(10):
        kiosk.post("/tickets", json={}).raise_for_status()
    for n in (1, 2, 1, 2, 1, 2, 1):
        call_next(hall, n)


@pytest.fixture
def open_board_as(browser):
    contexts = []

    def open_(hall, viewport, locale: str, query: str = ""):
        context = browser.new_context(viewport=viewport, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{hall.base_url}/board?token={hall.tokens['board']}{query}")
        page.wait_for_selector("body[data-ready='1']", timeout=15000)
        page.wait_for_selector("#prepare-list li", timeout=10000)
        return page

    yield open_
    for c in contexts:
        c.close()


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("layout,viewport", SCREENS)
def test_board_is_chinese_large_and_nothing_overflows(live_hall, open_board_as, layout, viewport, locale):
    busy_hall(live_hall)
    page = open_board_as(live_hall, viewport, locale, f"&layout={layout}")
    page.wait_for_selector("#recent-calls li[data-number='A007']")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"board-{layout}-{locale}.png"))
    # A007 and A006 are still called (not started): both in the big area, newest first.
    cards = page.eval_on_selector_all("#now-calling .call-card", "els => els.map(e => e.dataset.number)")
    assert cards == ["A007", "A006"]
    assert "等候人数" in page.inner_text("body") and "今日服务时间" in page.inner_text("body")
    assert_nothing_overflows(page)
    for selector in (".window .win-no", ".window .current", "#recent-calls .num", "#waiting-count", ".call-card .num"):
        sizes = font_px(page, selector)
        assert sizes and min(sizes) >= MIN_NUMBER_PX, (selector, sizes)
    assert min(font_px(page, "#prepare-list li")) >= MIN_NUMBER_PX * 0.75


@pytest.mark.parametrize("layout,viewport", SCREENS)
def test_a_free_window_says_free_not_serving(live_hall, open_board_as, layout, viewport):
    busy_hall(live_hall)
    live_hall.client("clerk-1").post("/windows/1/start").raise_for_status()  # A007 has come: 服务中
    page = open_board_as(live_hall, viewport, "en-US", f"&layout={layout}")
    assert page.inner_text(".window[data-window='3'] .state") == "空闲"
    assert page.inner_text(".window[data-window='1'] .state") == "服务中"
    free, busy = (
        page.eval_on_selector(f".window[data-window='{n}'] .state", "e => getComputedStyle(e).color") for n in (3, 1)
    )
    assert free != busy  # not the serving green


def test_the_next_numbers_are_asked_to_get_ready_in_line_order(live_hall, open_board_as):
    busy_hall(live_hall)
    page = open_board_as(live_hall, LANDSCAPE, "zh-CN")
    line = [t["number"] for t in live_hall.client("supervisor").get("/queue").json()["waiting"]]
    assert line[:3] == ["A008", "A009", "A010"]
    assert page.inner_text("#prepare-list li:first-child") == "请A008号准备"
    assert page.eval_on_selector_all("#prepare-list li", "els => els.map(e => e.dataset.number)") == line[:3]
    call_next(live_hall, 2)
    page.wait_for_function("() => document.querySelector('#prepare-list li').dataset.number === 'A009'", timeout=10000)
    assert page.inner_text("#prepare-list li:first-child") == "请A009号准备"


def test_a_reload_keeps_the_recent_calls(live_hall, open_board_as):
    busy_hall(live_hall)
    page = open_board_as(live_hall, LANDSCAPE, "zh-CN")
    page.wait_for_selector("#recent-calls li[data-number='A007']")
    shown = page.eval_on_selector_all("#recent-calls li", "els => els.map(e => e.dataset.number)")
    assert shown == ["A007", "A006", "A005", "A004", "A003", "A002", "A001"]
    live_hall.client("clerk-2").post("/windows/2/recall").raise_for_status()
    page.wait_for_selector("#recent-calls li.recall[data-number='A006']", timeout=10000)
    before = page.eval_on_selector_all("#recent-calls li", "els => els.map(e => [e.dataset.number, e.className])")
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    after = page.eval_on_selector_all("#recent-calls li", "els => els.map(e => [e.dataset.number, e.className])")
    assert [n for n, _ in after] == [n for n, _ in before] == ["A006", "A007", "A005", "A004", "A003", "A002", "A001"]
    assert "recall" in after[0][1]
    cards = page.eval_on_selector_all("#now-calling .call-card", "els => els.map(e => [e.dataset.number, e.className])")
    assert [n for n, _ in cards] == ["A006", "A007"] and "recall" in cards[0][1]


@pytest.mark.parametrize("layout,viewport", SCREENS)
def test_a_closed_hall_says_the_date_and_time_it_opens_next(live_hall, open_board_as, layout, viewport):
    live_hall.clock.set(parse_local_time("2026-12-02 19:00"))  # a Wednesday evening
    page = open_board_as(live_hall, viewport, "en-US", f"&layout={layout}")
    page.wait_for_function(
        "() => document.querySelector('#hall-state').textContent.includes('下次开放')", timeout=10000
    )
    page.screenshot(path=str(SHOTS / f"board-closed-{layout}.png"))
    assert page.inner_text("#hall-state .next-open") == "下次开放：12月3日（星期四）09:00"
    assert_nothing_overflows(page)


def test_the_duty_leader_is_shown_when_the_hall_names_one(live_hall, browser):
    context = browser.new_context(viewport=LANDSCAPE, locale="zh-CN")
    try:
        page = context.new_page()

        def with_leader(route):
            response = route.fetch()
            body = response.json()
            body["duty_leader"] = {"name": "张*", "title": "分管副镇长"}
            route.fulfill(response=response, body=json.dumps(body, ensure_ascii=False))

        page.route(re.compile(r".*/api/v1/hall$"), with_leader)
        page.goto(f"{live_hall.base_url}/board?token={live_hall.tokens['board']}")
        page.wait_for_selector("#duty-leader:not([hidden])", timeout=15000)
        assert page.inner_text("#duty-leader") == "今日带班领导：张*（分管副镇长）"
        assert_nothing_overflows(page)
    finally:
        context.close()


def test_without_a_duty_leader_nothing_is_shown(live_hall, open_board_as):
    page = open_board_as(live_hall, LANDSCAPE, "zh-CN")
    assert page.is_hidden("#duty-leader")
