"""The lobby board at the busy moment, in headless Chromium at 1920×1080 (and 1080×1920) against a
real hall server on 127.0.0.1: three windows calling within one second all reach the big 正在呼叫
area, a called number reads 呼叫中 until the clerk starts, a recall keeps the layout, a reconnect
re-reads everything (an old answer never undoes a newer event), a number taken now shows its
expected wait, and the closing notice follows the server's clock and line."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from hall_server.core.clock import parse_local_time
from hall_server.services.access import Principal

from .test_board_page import LANDSCAPE, PORTRAIT
from .test_board_readable import MIN_NUMBER_PX, assert_nothing_overflows, font_px

SHOTS = Path("/tmp/board-shots")


@pytest.fixture
def board(browser):
    contexts = []

    def open_(hall, query: str = "", viewport=LANDSCAPE, locale: str = "zh-CN"):
        context = browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{hall.base_url}/board?token={hall.tokens['board']}{query}")
        page.wait_for_selector("body[data-ready='1']")
        return page

    yield open_
    for c in contexts:
        c.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def issue(hall, n: int) -> None:
    kiosk = hall.client("kiosk")
    for _ in range(n):
        kiosk.post("/tickets", json={}).raise_for_status()


def call_at_once(hall, windows: tuple[int, ...]) -> dict[int, str]:
    """The clerks at ``windows`` press 叫号 in the same instant (threads released together)."""
    clients = {n: hall.client(f"clerk-{n}") for n in windows}
    gate = threading.Barrier(len(windows))
    called: dict[int, str] = {}

    def press(n: int) -> None:
        gate.wait()
        r = clients[n].post(f"/windows/{n}/call-next")
        r.raise_for_status()
        called[n] = r.json()["ticket"]["number"]

    threads = [threading.Thread(target=press, args=(n,)) for n in windows]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return called


def cards(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#now-calling .call-card", "els => els.map(e => [e.dataset.number, e.dataset.window, e.className])"
    )


def wait_for_cards(page, count: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('#now-calling .call-card').length === {count}")


def window_state(page, n: int) -> str:
    return page.inner_text(f".window[data-window='{n}'] .state")


def boxes(page, selectors: tuple[str, ...]) -> dict[str, dict]:
    return {s: page.locator(s).bounding_box() for s in selectors}


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["y"] >= outer["y"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


@pytest.mark.parametrize(
    "layout,viewport,locale",
    [("landscape", LANDSCAPE, "zh-CN"), ("landscape", LANDSCAPE, "en-US"), ("portrait", PORTRAIT, "zh-CN")],
)
def test_three_calls_within_one_second_all_reach_the_big_area(live_hall, board, layout, viewport, locale):
    issue(live_hall, 6)
    page = board(live_hall, f"&layout={layout}", viewport, locale)
    called = call_at_once(live_hall, (1, 2, 3))
    wait_for_cards(page, 3)
    shown = cards(page)
    assert {(number, int(window)) for number, window, _ in shown} == {(v, k) for k, v in called.items()}
    assert all("flash" in cls for _, _, cls in shown)  # all three new: all highlighted
    # Each readable from 5 m, its window beside it, in Chinese whatever the browser's language.
    assert min(font_px(page, "#now-calling .call-card .num")) >= MIN_NUMBER_PX
    for number, window, _ in shown:
        assert page.inner_text(f".call-card[data-number='{number}'] .win") == f"{window}号窗口"
    # The window table follows a moment later (once per burst): all three read 呼叫中.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.window .state')].every(e => e.textContent === '呼叫中')"
    )
    shot(page, f"board-busy-{layout}-{locale}")
    assert_nothing_overflows(page)
    # The resident at window 1 has come: that number leaves the big area, the other two stay.
    live_hall.client("clerk-1").post("/windows/1/start").raise_for_status()
    wait_for_cards(page, 2)
    assert called[1] not in [number for number, _, _ in cards(page)]


def test_after_the_busy_moment_the_big_area_settles_on_the_newest_call(live_hall, board):
    issue(live_hall, 3)
    page = board(live_hall, "&together=3&highlight=2")
    call_at_once(live_hall, (1, 2, 3))
    wait_for_cards(page, 3)
    newest = page.eval_on_selector("#recent-calls li", "e => [e.dataset.number, e.dataset.window]")
    # `together` seconds later the cards give way to the one sentence, no longer highlighted.
    page.wait_for_function("() => !document.querySelector('#now-calling .call-card')")
    assert page.inner_text("#now-calling") == f"请{newest[0]}号到{newest[1]}号窗口办理"
    assert "flash" not in page.get_attribute("#now-calling", "class")


def test_a_called_number_reads_calling_until_the_clerk_starts(live_hall, board):
    issue(live_hall, 1)
    page = board(live_hall)
    clerk = live_hall.client("clerk-2")
    clerk.post("/windows/2/call-next").raise_for_status()
    page.wait_for_function("() => document.querySelector(\".window[data-window='2'] .state\").textContent === '呼叫中'")
    assert page.inner_text(".window[data-window='2'] .current") == "A001"
    calling_colour = page.eval_on_selector(".window[data-window='2'] .state", "e => getComputedStyle(e).color")
    clerk.post("/windows/2/start").raise_for_status()
    page.wait_for_function("() => document.querySelector(\".window[data-window='2'] .state\").textContent === '服务中'")
    serving_colour = page.eval_on_selector(".window[data-window='2'] .state", "e => getComputedStyle(e).color")
    assert calling_colour != serving_colour
    # A board opened now reads it from /windows the same way.
    clerk.post("/windows/2/finish").raise_for_status()
    issue(live_hall, 1)
    clerk.post("/windows/2/call-next").raise_for_status()
    fresh = board(live_hall)
    assert window_state(fresh, 2) == "呼叫中"


SECTIONS = (".calling", ".windows", ".waiting", ".hours", ".book", ".prepare", ".recent")


@pytest.mark.parametrize(
    "layout,viewport,locale",
    [("landscape", LANDSCAPE, "zh-CN"), ("landscape", LANDSCAPE, "en-US"), ("portrait", PORTRAIT, "zh-CN")],
)
def test_a_recall_keeps_the_layout(live_hall, board, layout, viewport, locale):
    issue(live_hall, 6)
    page = board(live_hall, f"&layout={layout}", viewport, locale)
    page.wait_for_function("() => document.getElementById('book-qr').naturalWidth > 0")
    before = boxes(page, SECTIONS)
    clerk1 = live_hall.client("clerk-1")
    clerk1.post("/windows/1/call-next").raise_for_status()
    page.wait_for_selector("#recent-calls li[data-number='A001']")
    clerk1.post("/windows/1/recall").raise_for_status()
    page.wait_for_selector("#recall-tag:not([hidden])")
    assert page.inner_text("#now-calling") == "请A001号到1号窗口办理"
    assert boxes(page, SECTIONS) == before  # the tag takes no room of its own
    assert_nothing_overflows(page)

    called = call_at_once(live_hall, (2, 3))
    wait_for_cards(page, 3)
    live_hall.client("clerk-2").post("/windows/2/recall").raise_for_status()
    # Wait for the recall itself: window 2's first call may already be the newest card (the two
    # windows called in one second, in either order), so its number alone says nothing yet.
    page.wait_for_function(
        "n => { const c = document.querySelector('#now-calling .call-card');"
        " return c && c.dataset.number === n && c.classList.contains('recall'); }",
        arg=called[2],
    )
    first = cards(page)[0]
    assert "recall" in first[2] and page.inner_text(".call-card.recall .tag") == "再次呼叫"
    assert page.is_hidden("#recall-tag")  # the cards carry their own tags
    assert boxes(page, SECTIONS) == before
    page.wait_for_function(
        f"() => document.querySelector(\".window[data-window='2'] .current\").textContent === '{called[2]}'"
    )
    shot(page, f"board-recall-{layout}-{locale}")
    assert_nothing_overflows(page)
    # The recent list's tags stay inside their own entry: nothing covers another number.
    entries = page.eval_on_selector_all(
        "#recent-calls li",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })",
    )
    for tag in page.locator("#recent-calls li .tag").all():
        own = tag.locator("xpath=ancestor::li").bounding_box()
        assert inside(tag.bounding_box(), own)
    rects = [dict(zip(("x", "y", "width", "height"), e, strict=True)) for e in entries]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"] + 1
                or b["x"] + b["width"] <= a["x"] + 1
                or a["y"] + a["height"] <= b["y"] + 1
                or b["y"] + b["height"] <= a["y"] + 1
            )
            assert apart, (a, b)
    # The 延时服务 line and the QR's caption are still there, whole.
    extended = page.locator("#hours .period", has_text="延时服务")
    assert inside(extended.bounding_box(), page.locator(".hours").bounding_box())
    assert inside(page.locator(".book-label").bounding_box(), page.locator(".book").bounding_box())
    assert inside(page.locator("#book-qr").bounding_box(), page.locator(".book").bounding_box())


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_after_an_outage_the_board_reads_everything_again_and_no_old_answer_undoes_a_newer_event(
    restartable_hall, board, locale
):
    hall, http = restartable_hall
    issue(hall, 3)
    clerk1 = hall.client("clerk-1")
    clerk1.post("/windows/1/call-next").raise_for_status()
    clerk1.post("/windows/1/start").raise_for_status()
    # The board opens after those events and hears none: it has no event to resume from.
    page = board(hall, "", LANDSCAPE, locale)
    assert page.inner_text(".window[data-window='1'] .current") == "A001" and window_state(page, 1) == "服务中"

    held = []

    def hold_windows(route):
        # The board's re-read of the windows after reconnecting: answered as the server sees it
        # now, but delivered only after a newer event (a slow line).
        held.append((route, route.fetch()))

    http.cut()
    page.wait_for_selector("#connection:not([hidden])")
    services = hall.server.windows
    clerk_1, clerk_2 = (Principal(hall.hall_id, "clerk", "test", n) for n in (1, 2))
    services.finish(clerk_1, 1)
    services.call_next(clerk_1, 1)  # A002 to window 1
    services.call_next(clerk_2, 2)  # A003 to window 2
    page.route(re.compile(r".*/api/v1/windows$"), hold_windows)
    http.restore()
    page.wait_for_selector("#connection[hidden]", state="attached", timeout=30_000)
    # The hall's calls are read again: A002 and A003 reach the big area although no event said so.
    wait_for_cards(page, 2)
    assert [c[0] for c in cards(page)] == ["A003", "A002"]
    assert held, "the board did not re-read the windows after reconnecting"
    # Window 1's clerk starts A002 while the (older) answer is still on its way.
    clerk1.post("/windows/1/start").raise_for_status()
    page.wait_for_function(
        "() => document.querySelector(\".window[data-window='1'] .state\").textContent === '服务中'"
        " && document.querySelector(\".window[data-window='1'] .current\").textContent === 'A002'"
    )
    route, answer = held.pop(0)
    route.fulfill(response=answer)
    page.unroute(re.compile(r".*/api/v1/windows$"))
    page.wait_for_function("() => document.querySelector(\".window[data-window='2'] .current\").textContent === 'A003'")
    shot(page, f"board-after-reconnect-{locale}")
    assert window_state(page, 2) == "呼叫中"
    # The older answer said 呼叫中 for A002: the newer start stands.
    assert window_state(page, 1) == "服务中" and page.inner_text(".window[data-window='1'] .current") == "A002"
    assert [c[0] for c in cards(page)] == [] and page.inner_text("#now-calling") == "请A003号到2号窗口办理"
    numbers = page.eval_on_selector_all("#recent-calls li", "els => els.map(e => e.dataset.number)")
    assert numbers[:3] == ["A003", "A002", "A001"]
    assert page.inner_text("#waiting-count") == "0人"


def new_wait(page) -> str:
    return page.inner_text("#new-wait-value")


def test_the_board_shows_the_expected_wait_of_a_number_taken_now(live_hall, board):
    page = board(live_hall)
    page.wait_for_selector("#new-wait:not([hidden])")
    assert page.inner_text("#new-wait .new-wait-label") == "现在取号" and new_wait(page) == "无需等候"
    issue(live_hall, 6)  # three windows, six ahead: the next number waits
    page.wait_for_function("() => /^约等\\d+分钟$/.test(document.getElementById('new-wait-value').textContent)")
    minutes = int(re.search(r"\d+", new_wait(page))[0])
    # The board's figure is the one the slip of the next number prints.
    ticket = live_hall.client("kiosk").post("/tickets", json={}).json()
    assert ticket["estimated_wait_minutes"] == minutes > 0
    assert_nothing_overflows(page)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_after_the_walk_in_cutoff_the_board_shows_the_closing_notice(live_hall, board, locale):
    # 17:22 on the pilot hall: windows 2 and 3 close at 17:30, window 1 serves the 延时 hour to 18:30.
    live_hall.clock.set(parse_local_time("2026-11-26 17:22"))
    page = board(live_hall, "", LANDSCAPE, locale)
    assert page.inner_text("#hall-state") == "正常取号办理中"
    kiosk = live_hall.client("kiosk")
    # Residents keep coming until the kiosk asks the next one to consent (the line outlasts the day).
    for _ in range(30):
        r = kiosk.post("/tickets", json={})
        if r.status_code == 409:
            break
        r.raise_for_status()
    assert r.status_code == 409 and r.json()["error"]["code"] == "closing_soon"
    # The board says so without a reload: where it said 正常取号办理中, with the hall's closing time.
    page.wait_for_function("() => document.getElementById('hall-state').classList.contains('closing')")
    assert page.inner_text("#hall-state .notice") == "临近下班：现在取号，今天18:30前可能办不了"
    assert page.inner_text("#hall-state .next-open") == "可改天再来，或扫码预约"
    assert new_wait(page) == "可能办不了"
    shot(page, f"board-closing-{locale}")
    assert_nothing_overflows(page)
