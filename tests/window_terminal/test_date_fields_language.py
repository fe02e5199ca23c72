"""Date and month fields follow the page's language, not the browser's: an English Chromium drew the
native ones as "mm/dd/yyyy" and "November 2026" on pages that must stay Chinese."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import supervisor_login
from .test_supervisor_projection_calendar import choose_english


def test_date_and_month_fields_stay_chinese_in_an_english_browser_and_follow_a_switch(hall, device, shot):
    page = device(width=1366, height=768, locale="en-US")
    supervisor_login(page, hall)  # the 值班负责人 in person: the log-in is kept for the other pages
    page.goto(f"{hall.base_url}/supervisor/ratings")
    start = page.locator("#from")
    expect(start).to_have_value("2026-11-01")  # the ISO value the page reads, shown as such
    assert start.get_attribute("type") == "text"
    start.click()
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar.locator(".flatpickr-weekday").first).to_have_text("周一")  # the hall's week, from Monday
    expect(calendar.locator(".flatpickr-monthDropdown-months")).to_contain_text("十一月")
    shot(page, "date-field-ratings-en-browser-1366x768")
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="3").first.click()
    expect(start).to_have_value("2026-11-03")

    page.goto(f"{hall.base_url}/supervisor/duty")
    month = page.locator("#month")
    expect(month).to_have_value("2026-11")
    month.click()
    months = page.locator(".flatpickr-calendar.open .flatpickr-monthSelect-month")
    expect(months).to_have_count(12)
    expect(months.nth(10)).to_have_text("十一月")
    shot(page, "month-field-duty-en-browser-1366x768")

    # A supervisor who chose English for the account gets English calendars: the page's language.
    choose_english(hall, page)
    page.locator("#month").click()
    expect(page.locator(".flatpickr-calendar.open .flatpickr-monthSelect-month").nth(10)).to_have_text("Nov")
