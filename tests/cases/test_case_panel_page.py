"""The window's case panel in headless Chromium: open a case, tick materials, 一次性告知."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.held_answers import HeldAnswers

from .conftest import open_case

SHOT = "/tmp/yichuang-case-panel.png"


def test_clerk_opens_a_case_ticks_materials_and_the_one_time_notice_lists_the_rest(hall, matters, browser):
    matter = matters["MZ003"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page.goto(f"{hall.base_url}/cases-ui/window/1?token={hall.tokens['clerk-1']}")
        expect(page.locator("#title")).to_have_text("1号窗口 · 办件", timeout=10000)
        page.select_option("#matter", str(matter["id"]))
        page.fill("#applicant", "王大山")
        page.fill("#phone", "13900005678")
        page.click("#open")
        expect(page.locator("#case-no")).to_have_text("2026-00001", timeout=10000)
        rows = page.locator("#checklist tr")
        expect(rows).to_have_count(len(matter["materials"]))
        # The first material is handed in; the second is there but defective; the rest are missing.
        rows.nth(0).locator("input[value=submitted]").check()
        rows.nth(1).locator("input[value=defective]").check()
        rows.nth(1).locator(".note").fill("未签字")
        page.check("input[name=outcome][value=supplement]")
        page.click("button[data-outcome=supplement]")
        notice = page.locator("#notice")
        expect(notice).to_contain_text("一次性告知书", timeout=10000)
        expect(notice).to_contain_text("斑补〔2026〕0001号")
        expect(page.locator("#case-state")).to_have_text("待补正材料")
        lacking = [m["name"] for m in matter["materials"][1:] if m["required"]]
        expect(notice.locator(".missing li")).to_have_count(len(lacking))
        for name in lacking:
            expect(notice).to_contain_text(name)
        expect(notice).not_to_contain_text(matter["materials"][0]["name"])
        page.screenshot(path=SHOT, full_page=True)
        # The server agrees with what the clerk sees.
        case = hall.client("clerk-1").get("/cases/2026-00001").json()
        assert [m["name"] for m in case["supplement_list"]] == lacking
    finally:
        page.close()


def test_the_panel_shows_why_a_case_cannot_be_accepted_yet(hall, matters, browser):
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(f"{hall.base_url}/cases-ui/window/1?token={hall.tokens['clerk-1']}")
        expect(page.locator("#title")).to_have_text("1号窗口 · 办件", timeout=10000)
        page.select_option("#matter", str(matters["MZ003"]["id"]))
        page.fill("#applicant", "王大山")
        page.click("#open")
        expect(page.locator("#case-no")).to_have_text("2026-00001", timeout=10000)
        page.click("button[data-outcome=accept]")
        expect(page.locator("#outcome-error")).to_contain_text("材料不齐全，不能受理", timeout=10000)
        expect(page.locator("#case-state")).to_have_text("登记中")
    finally:
        page.close()


def test_a_case_looked_up_while_the_matter_list_still_loads_opens(hall, matters, browser):
    case = open_case(hall.client("clerk-1"), matters["MZ003"])
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        late = HeldAnswers(page, "**/api/v1/matters")
        page.goto(f"{hall.base_url}/cases-ui/window/1?token={hall.tokens['clerk-1']}")
        late.wait()  # the panel is up, its matter list still on the way
        page.fill("#lookup", case["case_no"])
        page.click("#load")
        expect(page.locator("#case-no")).to_have_text(case["case_no"])
        late.release()
        expect(page.locator("#case-no")).to_have_text(case["case_no"])
        assert page.locator("#matter option").count() == len(matters) + 1  # the list arrived all the same
    finally:
        page.close()
