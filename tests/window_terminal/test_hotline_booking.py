"""热线预约 from the window terminal (1366×768, real log-in, headless Chromium): the clerk books for
a caller, reads back the code, and sees the booking in today's/tomorrow's list per slot."""

from __future__ import annotations

from tests.window_terminal.conftest import login


def test_a_clerk_books_a_caller_by_phone_and_sees_it_listed_for_tomorrow(device, hall, shot):
    page = device(1366, 768)
    login(page, hall, 1, "BZY001")
    page.wait_for_function("() => localStorage.getItem('yc.window.1.token')")
    page.goto(f"{hall.base_url}/window/1/appointments")
    page.wait_for_selector(".slot")
    page.select_option("#date", "2026-11-27")
    page.wait_for_selector(".slot[data-start='2026-11-27T09:00']")
    page.fill("#name", "孙八")
    page.fill("#phone", "13955509999")
    page.click(".slot[data-start='2026-11-27T09:00']")
    page.click("#submit")
    page.wait_for_function("() => document.getElementById('booked').textContent.includes('预约码')")
    code = page.inner_text("#booked").split("预约码 ")[1][:6]
    page.wait_for_function(f"() => document.getElementById('days').textContent.includes('{code}')")
    assert "孙*" in page.inner_text("#days") and "尾号9999" in page.inner_text("#days")
    assert "余2个" in page.inner_text(".slot[data-start='2026-11-27T09:00']")
    shot(page, "hotline_booking")
    booked = hall.client("supervisor").get(f"/appointments/{code}").json()
    assert booked["channel"] == "hotline" and booked["status"] == "booked"


def test_the_hotline_page_without_a_log_in_asks_for_one(device, hall):
    page = device(1366, 768)
    page.goto(f"{hall.base_url}/window/1/appointments")
    page.wait_for_selector("#need-login:not([hidden])")
    assert "登录" in page.inner_text("#need-login")


def test_a_date_picked_while_the_lists_still_load_shows_that_days_slots(device, hall):
    page = device(1366, 768)
    login(page, hall, 1, "BZY001")
    page.wait_for_function("() => localStorage.getItem('yc.window.1.token')")
    held = []  # today's and tomorrow's lists, answered only after the clerk has picked a date
    page.route("**/api/v1/appointments?date=*", lambda route: held.append(route))
    page.goto(f"{hall.base_url}/window/1/appointments")
    page.wait_for_selector(".slot")
    page.select_option("#date", "2026-11-27")
    page.wait_for_selector(".slot[data-start='2026-11-27T09:00']")
    for route in held:
        route.continue_()
    page.wait_for_function("() => document.querySelectorAll('#days .day').length === 2")
    assert page.input_value("#date") == "2026-11-27"


def test_the_hotline_list_shows_a_booking_the_hall_cancelled_for_the_clerk_to_call_back(device, hall):
    code = hall.client("supervisor").post(
        "/appointments",
        json={"resident_name": "孙八", "phone": "13955509999", "slot_start": "2026-11-27T09:00", "matter_id": 1},
    )
    code = code.json()["code"]
    closed = {"kind": "holiday", "note": "停电", "affected_bookings": "cancel_and_notify"}
    assert hall.client("supervisor").put("/calendar/overrides/2026-11-27", json=closed).status_code == 200
    page = device(1366, 768)
    login(page, hall, 1, "BZY001")
    page.wait_for_function("() => localStorage.getItem('yc.window.1.token')")
    page.goto(f"{hall.base_url}/window/1/appointments")
    page.wait_for_function(f"() => document.getElementById('days').textContent.includes('{code}')")
    row = page.locator("#days tr", has_text=code).inner_text()
    assert "大厅已取消（待改约）" in row
