"""Each page at the size it is used at, with Chinese and English browsers alike: Chinese text and
nothing spilling out of its box — the back office and the dashboard on a 1366×768 office PC, the
progress and ticket pages on a 390×844 phone, the 好差评 pad at 1280×800."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.cases.test_closed_loop import accept
from tests.support.page_layout import assert_no_token_broken, assert_nothing_overflows

from .conftest import SHOTS

LOCALES = ["zh-CN", "en-US"]
OFFICE_PC = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PAD = {"width": 1280, "height": 800}


@pytest.fixture
def open_as(browser):
    contexts = []

    def open_(viewport: dict, locale: str, url: str):
        ctx = browser.new_context(viewport=viewport, locale=locale)
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(url)
        return page

    yield open_
    for ctx in contexts:
        ctx.close()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("locale", LOCALES)
def test_back_office_in_tray_at_1366x768(hall, matters, open_as, locale):
    no = accept(hall, matters)
    hall.client("clerk-1").post(f"/cases/{no}/hand-over", json={}).raise_for_status()
    page = open_as(OFFICE_PC, locale, f"{hall.base_url}/cases-ui/backoffice?token={hall.tokens['backoffice']}")
    row = page.locator(f"tr[data-case='{no}']")
    expect(row).to_contain_text("部门审批中")
    row.locator("button.receive").click()
    expect(row.locator("textarea.reasons")).to_be_visible()
    expect(page.locator("h1")).to_have_text("部门办件箱")
    shoot(page, f"backoffice-1366-{locale}")
    assert_nothing_overflows(page, page_scrolls=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_case_dashboard_at_1366x768(hall, matters, open_as, locale):
    accept(hall, matters)
    page = open_as(OFFICE_PC, locale, f"{hall.base_url}/cases-ui/dashboard?token={hall.tokens['supervisor']}")
    expect(page.locator(".stage[data-stage=accepted] .big")).to_have_text("1")
    expect(page.locator("#overdue thead th").first).to_have_text("办件编号")
    shoot(page, f"dashboard-1366-{locale}")
    assert_nothing_overflows(page, page_scrolls=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_progress_page_on_a_phone_keeps_each_fact_whole(hall, matters, open_as, locale):
    no = accept(hall, matters)
    code = hall.client("clerk-1").get(f"/cases/{no}").json()["query_code"]
    page = open_as(PHONE, locale, f"{hall.base_url}/cases-ui/progress?no={no}&code={code}")
    expect(page.locator("#summary")).to_contain_text("办结期限")
    expect(page.locator("h1")).to_have_text("办件进度查询")
    shoot(page, f"progress-390-{locale}")
    assert_no_token_broken(page, "#summary")
    assert_nothing_overflows(page, page_scrolls=True)
    sizes = page.eval_on_selector_all("#no, #code, #query", "els => els.map(e => e.getBoundingClientRect().height)")
    assert min(sizes) >= 44, f"boxes and the button a thumb must hit: {sizes} px"


def test_a_wrong_query_code_is_said_in_red_on_the_phone(hall, matters, open_as):
    no = accept(hall, matters)
    page = open_as(PHONE, "zh-CN", f"{hall.base_url}/cases-ui/progress?no={no}&code=000000")
    expect(page.locator("#error")).to_contain_text("请核对")
    assert page.eval_on_selector("#error", "e => getComputedStyle(e).color") == "rgb(176, 0, 32)"


@pytest.mark.parametrize("locale", LOCALES)
def test_ticket_page_on_a_phone_says_one_sentence_a_line(hall, open_as, locale):
    kiosk = hall.client("kiosk")
    tickets = [kiosk.post("/tickets", json={}).json() for _ in range(3)]
    t = tickets[-1]
    page = open_as(PHONE, locale, f"{hall.base_url}/t/{t['id']}?key={t['public_key']}")
    expect(page.locator("#detail .line")).to_have_count(2)
    expect(page.locator("#detail .line").first).to_have_text("您前面还有 2 人在等待。")
    shoot(page, f"ticket-phone-390-{locale}")
    assert_nothing_overflows(page, page_scrolls=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_rating_pad_at_1280x800_is_chinese(hall, open_as, locale):
    page = open_as(PAD, locale, f"{hall.base_url}/pad/3?token={hall.tokens['pad-3']}")
    expect(page.locator("#idle")).to_be_visible()
    expect(page.locator("#idle")).to_contain_text("本窗口工作人员")
    shoot(page, f"pad-1280-{locale}")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert_nothing_overflows(page)
