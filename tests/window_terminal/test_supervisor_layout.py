"""The supervisor page at 1366×768 with three windows staffed by people with long names: every card
keeps its name, staff number and "A岗"/"B岗" on one line, nothing spills out of its box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hall_server.services.access import Principal
from hall_server.services.hall_setup import add_staff
from tests.support.page_layout import assert_no_token_broken, assert_nothing_overflows

from .conftest import PASSWORD, SHOTS, _hashed, issue

LONG_NAMES = {1: ("BZY201", "阿卜杜热合曼·买买提明", "B"), 3: ("BZY202", "欧阳娜娜娜娜", "A")}


@pytest.fixture
def staffed_by_long_names(hall):
    from sqlalchemy import update

    from hall_server.storage.models import Staff

    for staff_no, name, _ in LONG_NAMES.values():
        add_staff(hall.server.services, hall.hall_id, staff_no, name)
    with hall.server.db.write() as conn:
        conn.execute(update(Staff).where(Staff.hall_id == hall.hall_id).values(password_hash=_hashed()))
    boss = Principal(hall.hall_id, "supervisor", "setup")
    for window, (staff_no, _, post) in LONG_NAMES.items():
        hall.server.windows.sign_in(boss, window, staff_no, post, take_over=True, reason="请假")
    issue(hall, 6)
    hall.client("clerk-1").post("/windows/1/call-next").raise_for_status()
    hall.client("clerk-2").post("/windows/2/pause", json={"reason": "参加会议"}).raise_for_status()
    return hall


# browser language, the supervisor's chosen language, how a post reads
LANGUAGES = [("zh-CN", "", "{post}岗"), ("en-US", "", "{post}岗"), ("zh-CN", "en", "Post {post}")]


@pytest.mark.parametrize(("locale", "chosen", "post_label"), LANGUAGES)
def test_window_cards_keep_names_and_posts_whole_at_1366x768(
    staffed_by_long_names, browser, locale, chosen, post_label
):
    hall = staffed_by_long_names
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale=locale)
    try:
        page = ctx.new_page()
        page.goto(f"{hall.base_url}/supervisor")
        page.fill("#staff-no", "BZY900")
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        expect(page.locator(".wcard")).to_have_count(3)
        if chosen:
            page.click("#language")
            expect(page.locator("html")).to_have_attribute("lang", chosen)
        expect(page.locator("#shifts li")).to_have_count(5)
        page.screenshot(path=str(SHOTS / f"supervisor-long-names-{locale}{chosen}.png"))
        for window, (staff_no, name, post) in LONG_NAMES.items():
            card = page.locator(f"#window-{window}")
            expect(card.locator(".who-name")).to_have_attribute("title", name)
            expect(card.locator(".chip.post")).to_have_text(post_label.format(post=post))
            expect(card).to_contain_text(staff_no)
        assert_no_token_broken(page, ".wcard, #shifts", [name for _, name, _ in LONG_NAMES.values()])
        assert_nothing_overflows(page, page_scrolls=True)
    finally:
        ctx.close()
