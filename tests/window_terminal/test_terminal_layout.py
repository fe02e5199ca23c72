"""The terminal at its real size, 1366×768, on a busy morning: the clerk keeps the current number,
the keys and the next numbers in view, with or without the case panel beside them, in Chinese and
English browsers (and for a clerk who chose English)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.page_layout import assert_no_token_broken, assert_nothing_overflows, fully_shown_in, inside_viewport

from .conftest import SHOTS, issue, login

TERMINAL = {"width": 1366, "height": 768}
# browser language, the clerk's chosen language ("" for the default), the 办结并叫下一位 key's text
LANGUAGES = [("zh-CN", "", "办结并叫下一位"), ("en-US", "", "办结并叫下一位"), ("en-US", "en", "Finish and call next")]
MIN_LINE_ROWS = 8


@pytest.fixture
def terminal(hall, browser):
    contexts = []

    def open_(locale: str, lang: str):
        ctx = browser.new_context(viewport=TERMINAL, locale=locale)
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        login(page, hall, 1, "BZY001")
        expect(page.locator("#desk")).to_be_visible()
        if lang == "en":
            page.click("#language")
            expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#act-call-next")).to_be_enabled()
        page.keyboard.press("n")
        expect(page.locator("#current-number")).to_be_visible()
        return page

    yield open_
    for ctx in contexts:
        ctx.close()


def page_scrolls(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollHeight > innerHeight + 1")


@pytest.mark.parametrize(("locale", "lang", "finish_next"), LANGUAGES)
def test_with_the_case_panel_open_the_number_keys_and_next_numbers_stay_in_view(
    hall, terminal, locale, lang, finish_next
):
    issue(hall, 16)
    page = terminal(locale, lang)
    page.click("#open-case")
    expect(page.frame_locator("#case-frame").locator("#start h2")).to_be_visible()
    expect(page.locator("#act-finish-next")).to_contain_text(finish_next)
    page.screenshot(path=str(SHOTS / f"terminal-case-1366-{locale}{'-' + lang if lang else ''}.png"))
    assert all(inside_viewport(page, "#current-number, #actions button, #case-frame")), (
        "number, keys or panel off-screen"
    )
    shown = fully_shown_in(page, "#line li", "#line")
    assert shown >= MIN_LINE_ROWS, f"only {shown} waiting numbers visible beside the case panel"
    assert not page_scrolls(page), "the page itself scrolls"
    assert page.evaluate(
        "(() => { const l = document.getElementById('line'); return l.scrollHeight > l.clientHeight; })()"
    ), "15 waiting numbers should need the line's own scroll bar"
    assert_nothing_overflows(page)
    assert_no_token_broken(page, "#duty, #load, #line, #actions")
    assert_nothing_overflows(page.frame(name="case"), page_scrolls=True)  # the panel scrolls inside its frame


@pytest.mark.parametrize(("locale", "lang", "finish_next"), LANGUAGES)
def test_the_terminal_fills_the_screen_without_scrolling_or_clipping(hall, terminal, locale, lang, finish_next):
    issue(hall, 16)
    page = terminal(locale, lang)
    expect(page.locator("#act-finish-next")).to_contain_text(finish_next)
    page.screenshot(path=str(SHOTS / f"terminal-1366-{locale}{'-' + lang if lang else ''}.png"))
    assert all(inside_viewport(page, "#current-number, #actions button"))
    assert fully_shown_in(page, "#line li", "#line") >= MIN_LINE_ROWS
    assert not page_scrolls(page), "the page itself scrolls"
    assert_nothing_overflows(page)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_log_in_and_post_screens_fit_1366x768(hall, browser, locale):
    ctx = browser.new_context(viewport=TERMINAL, locale=locale)
    try:
        page = ctx.new_page()
        page.goto(f"{hall.base_url}/window/1")
        expect(page.locator("#login-title")).to_have_text("工作人员登录")
        assert_nothing_overflows(page)
        login(page, hall, 1, "BZY002")  # window 1 is 陈晓梅's: 王建国 is offered the take-over
        expect(page.locator("#signin-title")).to_have_text("签到上岗（AB岗）")
        expect(page.locator("#signin-current")).to_contain_text("陈晓梅")
        page.screenshot(path=str(SHOTS / f"terminal-signin-1366-{locale}.png"))
        assert not page_scrolls(page)
        assert_nothing_overflows(page)
    finally:
        ctx.close()
