"""The admin's matter catalog page (/admin/matters) in headless Chromium."""

from __future__ import annotations

from .conftest import public_matter, stored_matter

TIMEOUT = 15000


def open_page(browser, live_hall):
    context = browser.new_context(viewport={"width": 1500, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_hall.base_url}/admin/matters?token={live_hall.tokens['admin']}")
    page.wait_for_selector("body[data-ready='1']", timeout=TIMEOUT)
    return context, page


def edit_matter(page, code: str):
    page.fill("#search", code)
    page.click(f"tr[data-code='{code}'] button.edit")
    page.wait_for_selector("#editor:not([hidden])", timeout=TIMEOUT)


def test_an_admin_renames_a_matter_and_a_material_requirement_on_the_page(browser, live_hall, admin, shots):
    context, page = open_page(browser, live_hall)
    try:
        edit_matter(page, "MZ001")
        page.fill("input[name=name]", "最低生活保障申请（含再审核）")
        page.locator("#materials tbody tr").nth(1).locator("[data-k=requirement]").fill("户口簿原件及全部成员页复印件")
        page.click("#save")
        page.wait_for_function("() => document.querySelector('#status').textContent.includes('MZ001')", timeout=TIMEOUT)
        page.screenshot(path=str(shots / "catalog_admin_saved.png"), full_page=False)
    finally:
        context.close()
    shown = public_matter(live_hall, "MZ001")
    assert shown["name"] == "最低生活保障申请（含再审核）"
    assert shown["materials"][1]["requirement"] == "户口簿原件及全部成员页复印件"
    assert shown["materials"][0] == stored_matter(admin, "MZ001")["materials"][0]


def test_a_bad_value_shows_the_chinese_error_beside_the_form_and_saves_nothing(browser, live_hall, admin, shots):
    before = stored_matter(admin, "MZ001")
    context, page = open_page(browser, live_hall)
    try:
        edit_matter(page, "MZ001")
        page.fill("input[name=promised_days]", "99")
        page.click("#save")
        errors = page.locator("#form-errors")
        errors.wait_for(state="visible", timeout=TIMEOUT)
        assert "承诺时限（工作日）：不小于 0 且不超过法定时限（30 个工作日）的承诺天数" in errors.inner_text()
        assert "invalid" in page.get_attribute("input[name=promised_days]", "class")
        page.screenshot(path=str(shots / "catalog_admin_error.png"), full_page=False)
    finally:
        context.close()
    assert stored_matter(admin, "MZ001") == before


def test_the_new_matter_button_adds_a_matter_with_a_material(browser, live_hall):
    context, page = open_page(browser, live_hall)
    try:
        page.click("#new")
        page.wait_for_selector("#editor:not([hidden])", timeout=TIMEOUT)
        page.fill("input[name=code]", "MZ901")
        page.fill("input[name=name]", "临时救助申请（测试）")
        page.fill("input[name=department]", "民政办")
        page.select_option("select[name=kind]", "承诺")
        page.fill("input[name=legal_days]", "10")
        page.fill("input[name=promised_days]", "5")
        page.click("#add-material")
        row = page.locator("#materials tbody tr").last
        row.locator("[data-k=name]").fill("居民身份证")
        row.locator("[data-k=requirement]").fill("原件")
        page.click("#save")
        page.wait_for_selector("tr[data-code='MZ901']", timeout=TIMEOUT)
    finally:
        context.close()
    shown = public_matter(live_hall, "MZ901")
    assert shown["kind"] == "承诺" and shown["promised_days"] == 5
    assert [m["name"] for m in shown["materials"]] == ["居民身份证"]


def test_the_editor_shows_domain_names_and_the_list_stays_readable_beside_it(browser, live_hall, shots):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_hall.base_url}/admin/matters?token={live_hall.tokens['admin']}")
        page.wait_for_selector("body[data-ready='1']", timeout=TIMEOUT)
        page.click("tr[data-code='MZ001'] button.edit")
        page.wait_for_selector("#editor:not([hidden])", timeout=TIMEOUT)
        domain = page.locator("select[name=domain]")
        assert domain.evaluate("s => s.options[s.selectedIndex].textContent") == "民政"
        assert "civil_affairs" not in domain.inner_text()
        # No column squeezed to a character or two a line: the name column keeps several characters.
        width = page.locator("tr[data-code='MZ001'] td").nth(1).evaluate("td => td.getBoundingClientRect().width")
        assert width >= 120
        page.screenshot(path=str(shots / "catalog_admin_editor_1366.png"))
    finally:
        context.close()
