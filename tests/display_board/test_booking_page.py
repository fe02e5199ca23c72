"""The resident's booking page (/book) on a 390×844 phone in headless Chromium, against a live hall
(Thursday 2026-11-26 10:00). The browser is set to en-US: the page still speaks Chinese."""

from __future__ import annotations

import pytest

from tests.support.booking import sms_code
from tests.support.held_answers import HeldAnswers, shown, watch

SHOTS = "/tmp"


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", device_scale_factor=1)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    yield page
    ctx.close()


def choose_day(page, day: str) -> None:
    page.select_option("#date", day)


def choose_slot(page, start: str) -> None:
    page.click(f".slot[data-start='{start}']")


def submit_and_confirm(page, hall) -> None:
    """预约, then the code texted to the phone typed in, as the resident does; returns on the code card."""
    page.click("#submit")
    page.wait_for_selector("#verify:not([hidden])")
    page.fill("#sms-code", sms_code(hall, _newest_hold(hall)))
    page.click("#verify-submit")
    page.wait_for_selector("#result:not([hidden])")


def _newest_hold(hall) -> str:
    from sqlalchemy import select

    from hall_server.storage.models import Appointment

    with hall.server.db.read() as conn:
        return conn.execute(select(Appointment.code).order_by(Appointment.id.desc()).limit(1)).scalar_one()


def test_a_resident_books_from_an_empty_day_to_a_code_and_qr(phone, live_hall):
    phone.goto(f"{live_hall.base_url}/book")
    phone.wait_for_selector(".slot")  # opens on the first day with a free slot
    assert "预约办事" in phone.inner_text("header") and "斑竹园" in phone.inner_text("#hall")
    choose_day(phone, "2026-11-29")  # an ordinary Sunday: nothing to book
    phone.wait_for_selector("#empty:not([hidden])")
    assert phone.locator(".slot").count() == 0 and "换一天" in phone.inner_text("#empty")
    phone.screenshot(path=f"{SHOTS}/book_empty_day.png")
    choose_day(phone, "2026-11-27")
    phone.wait_for_selector(".slot[data-start='2026-11-27T10:00']")
    assert "余3个" in phone.inner_text(".slot[data-start='2026-11-27T10:00']")
    phone.fill("#name", "王小明")
    phone.fill("#phone", "13955501234")
    choose_slot(phone, "2026-11-27T10:00")
    phone.screenshot(path=f"{SHOTS}/book_form.png", full_page=True)
    submit_and_confirm(phone, live_hall)
    code = phone.inner_text("#code")
    assert len(code) == 6 and code.isdigit() and "11月27日" in phone.inner_text("#when")
    phone.wait_for_function("() => document.getElementById('qr').naturalWidth > 0")
    phone.screenshot(path=f"{SHOTS}/book_code.png", full_page=True)
    booked = live_hall.client("supervisor").get(f"/appointments/{code}").json()
    assert booked["status"] == "booked" and booked["channel"] == "web"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone


def test_a_resident_cancels_with_the_code_and_phone_tail(phone, live_hall):
    phone.goto(f"{live_hall.base_url}/book")
    phone.wait_for_selector(".slot")
    choose_day(phone, "2026-11-27")
    phone.wait_for_selector(".slot[data-start='2026-11-27T14:00']")
    phone.fill("#name", "王小明")
    phone.fill("#phone", "13955501234")
    choose_slot(phone, "2026-11-27T14:00")
    submit_and_confirm(phone, live_hall)
    code = phone.inner_text("#code")
    phone.fill("#m-tail", "0000")
    phone.click("#cancel")
    phone.wait_for_function("() => document.getElementById('m-error').textContent.includes('没有找到')")
    phone.fill("#m-tail", "1234")
    phone.click("#cancel")
    phone.wait_for_function("() => document.getElementById('m-result').textContent.includes('已取消')")
    phone.screenshot(path=f"{SHOTS}/book_cancelled.png", full_page=True)
    assert live_hall.client("supervisor").get(f"/appointments/{code}").json()["status"] == "cancelled"


def test_a_resident_moves_a_booking_to_another_slot(phone, live_hall):
    phone.goto(f"{live_hall.base_url}/book")
    phone.wait_for_selector(".slot")
    choose_day(phone, "2026-11-27")
    phone.wait_for_selector(".slot[data-start='2026-11-27T14:00']")
    phone.fill("#name", "王小明")
    phone.fill("#phone", "13955501234")
    choose_slot(phone, "2026-11-27T14:00")
    submit_and_confirm(phone, live_hall)
    code = phone.inner_text("#code")
    phone.click("#again")
    choose_day(phone, "2026-11-28")  # Saturday's 节假日受理, by appointment
    phone.wait_for_selector(".slot[data-start='2026-11-28T09:30']")
    choose_slot(phone, "2026-11-28T09:30")
    phone.click("#reschedule")
    phone.wait_for_function("() => document.getElementById('m-result').textContent.includes('已改到')")
    assert "11月28日" in phone.inner_text("#m-result")
    moved = live_hall.client("supervisor").get(f"/appointments/{code}").json()
    assert moved["slot_start"].startswith("2026-11-28T09:30") and moved["status"] == "booked"


def test_a_day_picked_while_the_previous_days_slots_still_load_shows_only_that_days_slots(phone, live_hall):
    phone.goto(f"{live_hall.base_url}/book")
    phone.wait_for_selector(".slot")
    late = HeldAnswers(phone, lambda url: "/appointments/slots?" in url and "date=2026-11-27" in url)
    choose_day(phone, "2026-11-27")  # Friday: its slots still on their way…
    late.wait()
    choose_day(phone, "2026-11-30")  # …when the resident settles on Monday
    phone.wait_for_selector(".slot[data-start^='2026-11-30']")
    watch(
        phone, "[...new Set([...document.querySelectorAll('.slot')].map((s) => s.dataset.start.slice(0, 10)))].join()"
    )
    late.release()  # Friday's answer arrives last
    assert shown(phone) == ["2026-11-30"]  # only Monday's slots, all along
    assert phone.input_value("#date") == "2026-11-30"


def test_a_slot_of_the_day_just_left_cannot_be_booked_while_the_new_day_loads(phone, live_hall):
    phone.goto(f"{live_hall.base_url}/book")
    choose_day(phone, "2026-11-27")
    phone.wait_for_selector(".slot[data-start='2026-11-27T10:00']:not([disabled])")
    choose_slot(phone, "2026-11-27T10:00")
    phone.fill("#name", "王小明")
    phone.fill("#phone", "13955501234")
    monday = HeldAnswers(phone, lambda url: "/appointments/slots?" in url and "date=2026-11-30" in url)
    choose_day(phone, "2026-11-30")  # Monday's slots still on their way, Friday's still on screen
    monday.wait()
    assert phone.locator(".slot.chosen").count() == 0
    assert phone.locator(".slot:not([disabled])").count() == 0
    phone.click("#submit")
    assert phone.inner_text("#error") == "请先选择一个时段。"
    monday.release()
    phone.wait_for_selector(".slot[data-start='2026-11-30T09:00']:not([disabled])")
    day = live_hall.client("supervisor").get("/appointments?date=2026-11-27").json()
    assert day["appointments"] == []  # nothing booked on the day the resident left


def test_the_sms_link_of_a_hall_cancelled_booking_shows_why_and_moves_it(phone, live_hall):
    booked = live_hall.client("supervisor").post(
        "/appointments",
        json={"resident_name": "王小明", "phone": "13955501234", "slot_start": "2026-11-27T10:00", "matter_id": 1},
    )
    code = booked.json()["code"]
    closed = {"kind": "holiday", "note": "停电", "affected_bookings": "cancel_and_notify"}
    assert live_hall.client("supervisor").put("/calendar/overrides/2026-11-27", json=closed).status_code == 200
    phone.goto(f"{live_hall.base_url}/book?code={code}")  # the link in the hall's SMS
    phone.wait_for_selector(".slot")
    assert phone.input_value("#m-code") == code
    phone.fill("#m-tail", "1234")
    phone.click("#lookup")
    phone.wait_for_function("() => document.getElementById('m-status').textContent.length > 0")
    status = phone.inner_text("#m-status")
    assert "已由大厅取消" in status and "当天不再办公" in status and "不计爽约" in status
    phone.screenshot(path=f"{SHOTS}/book_hall_cancelled.png", full_page=True)
    choose_day(phone, "2026-11-30")
    phone.wait_for_selector(".slot[data-start='2026-11-30T09:00']")
    choose_slot(phone, "2026-11-30T09:00")
    phone.click("#reschedule")
    phone.wait_for_function("() => document.getElementById('m-result').textContent.length > 0")
    assert "11月30日" in phone.inner_text("#m-result")
    moved = live_hall.client("supervisor").get(f"/appointments/{code}").json()
    assert (moved["status"], moved["slot_start"][:16]) == ("booked", "2026-11-30T09:00")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("browser_locale", ["zh-CN", "en-US"])
def test_the_booking_holds_the_seat_until_the_texted_code_is_typed(browser, live_hall, browser_locale):
    """After 提交预约 the page asks for the SMS code (no check-in code yet); a wrong code says how many
    tries are left; the right one shows the check-in code. Chinese whatever the browser asks."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale=browser_locale, device_scale_factor=1)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    try:
        page.goto(f"{live_hall.base_url}/book")
        choose_day(page, "2026-11-27")
        page.wait_for_selector(".slot[data-start='2026-11-27T10:00']")
        page.fill("#name", "王小明")
        page.fill("#phone", "13955501234")
        choose_slot(page, "2026-11-27T10:00")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the resident scrolled down the form
        page.click("#submit")
        page.wait_for_selector("#verify:not([hidden])")
        assert page.locator("#result").is_hidden() and page.inner_text("#code") == ""
        # The step is shown from its title, not scrolled past it (提交预约 was far down the form).
        assert page.evaluate("document.querySelector('#verify h2').getBoundingClientRect().top") >= 0
        sent = page.inner_text("#verify-sent")
        assert "尾号 1234" in sent and "10:10" in sent and "11月27日" in sent
        code = _newest_hold(live_hall)
        right = sms_code(live_hall, code)
        page.fill("#sms-code", "000000" if right != "000000" else "111111")
        page.click("#verify-submit")
        page.wait_for_function("() => document.getElementById('verify-error').textContent.includes('还可以试4次')")
        page.screenshot(path=f"{SHOTS}/book_sms_code_{browser_locale}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.fill("#sms-code", right)
        page.click("#verify-submit")
        page.wait_for_selector("#result:not([hidden])")
        assert page.inner_text("#code") == code
        assert live_hall.client("supervisor").get(f"/appointments/{code}").json()["status"] == "booked"
    finally:
        ctx.close()
