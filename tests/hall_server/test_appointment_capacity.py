"""Appointments residents make themselves: seats per slot, never overbooked (also in a race),
the booking rules of the hall file, cancel and reschedule with code + last 4 digits of the phone.

The live hall is the pilot hall on Thursday 2026-11-26 10:00: a regular slot has 3 windows × 2
seats, half kept for walk-ins (3 bookable); the 12:00 错时 slot (window 2, appointment only) 2;
Saturday's 节假日受理 (window 1, appointment only) 2."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
from sqlalchemy import select

from hall_server.core.clock import CHINA
from hall_server.storage.case_models import CaseNotification
from hall_server.storage.models import Ticket
from tests.support.booking import confirmed

PHONE = "13955501234"


def public(hall) -> httpx.Client:
    """The booking page's client: no token."""
    c = httpx.Client(base_url=hall.base_url + "/api/v1", timeout=20)
    hall.clients.append(c)
    return c


def web_booking(hall, slot: str, phone: str = PHONE, **extra) -> httpx.Response:
    body = {"channel": "web", "resident_name": "王小明", "phone": phone, "slot_start": slot, "matter_id": 1, **extra}
    return confirmed(hall, public(hall).post("/appointments", json=body))


def slot_of(hall, day: str, hhmm: str) -> dict:
    slots = public(hall).get("/appointments/slots", params={"date": day}).json()["slots"]
    return next(s for s in slots if s["start"][11:16] == hhmm)


def test_the_slot_list_shows_seats_and_appointment_only_periods_without_a_token(live_hall):
    ten = slot_of(live_hall, "2026-11-27", "10:00")
    noon = slot_of(live_hall, "2026-11-27", "12:00")
    assert (ten["seats"], ten["taken"], ten["appointment_only"], ten["window_numbers"]) == (3, 0, False, [1, 2, 3])
    assert (noon["seats"], noon["appointment_only"], noon["window_numbers"]) == (2, True, [2])


def test_a_web_booking_returns_a_six_digit_code_and_takes_a_seat(live_hall):
    r = web_booking(live_hall, "2026-11-27T10:00")
    assert r.status_code == 201 and len(r.json()["code"]) == 6 and r.json()["code"].isdigit()
    assert r.json()["phone_tail"] == "1234" and r.json()["resident_masked"] == "王*明"
    assert slot_of(live_hall, "2026-11-27", "10:00")["taken"] == 1


def test_a_full_slot_refuses_the_next_booking_with_slot_full(live_hall):
    for i in range(2):
        assert web_booking(live_hall, "2026-11-28T09:00", phone=f"1395550000{i}").status_code == 201
    r = web_booking(live_hall, "2026-11-28T09:00", phone="13955500009")
    assert r.status_code == 409 and r.json()["error"]["code"] == "slot_full" and "约满" in r.json()["error"]["message"]
    day = live_hall.client("supervisor").get("/appointments", params={"date": "2026-11-28"}).json()
    assert len(day["appointments"]) == 2


def test_forty_concurrent_bookers_for_the_last_three_seats_exactly_three_succeed(live_hall_any):
    hall = live_hall_any
    staff = [hall.client("supervisor") for _ in range(8)]

    def book(i: int) -> int:
        body = {"resident_name": "李四", "phone": f"139{i:08d}", "slot_start": "2026-11-27T14:00", "matter_id": 1}
        return staff[i % 8].post("/appointments", json=body).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(book, range(40)))
    assert sorted(codes).count(201) == 3 and codes.count(409) == 37
    assert slot_of(hall, "2026-11-27", "14:00")["taken"] == 3
    day = hall.client("supervisor").get("/appointments", params={"date": "2026-11-27"}).json()["appointments"]
    assert len(day) == 3


def test_ten_concurrent_check_ins_of_one_code_issue_exactly_one_ticket(live_hall_any):
    hall = live_hall_any
    code = hall.client("supervisor").post(
        "/appointments", json={"resident_name": "李四", "slot_start": "2026-11-26T10:30", "matter_id": 1}
    )
    code = code.json()["code"]
    kiosks = [hall.client("kiosk") for _ in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda k: k.post("/tickets", json={"appointment_code": code}).status_code, kiosks))
    assert results.count(201) == 1 and results.count(409) == 9
    with hall.server.db.read() as conn:
        assert len(conn.execute(select(Ticket.id).where(Ticket.appointment_id.is_not(None))).all()) == 1


def test_frozen_clock_books_a_holiday_saturday_a_make_up_saturday_and_a_duty_sunday_but_not_a_sunday(live_hall):
    supervisor = live_hall.client("supervisor")
    # 2026-12-05 is a Saturday the hall's calendar makes a working day (调休): regular hours, walk-in share.
    assert supervisor.put("/calendar/overrides/2026-12-05", json={"kind": "workday", "note": "调休"}).status_code == 200
    made_up = slot_of(live_hall, "2026-12-05", "14:00")
    assert made_up["seats"] == 3 and not made_up["appointment_only"]
    assert web_booking(live_hall, "2026-12-05T14:00").status_code == 201
    assert web_booking(live_hall, "2026-11-28T09:30", phone="13955500001").status_code == 201  # 节假日受理
    sunday = web_booking(live_hall, "2026-11-29T10:00", phone="13955500002")
    assert sunday.status_code == 409 and sunday.json()["error"]["code"] == "slot_outside_hours"
    assert public(live_hall).get("/appointments/slots", params={"date": "2026-11-29"}).json()["slots"] == []
    # Sunday 2026-12-06 a 节假日受理 duty day from the calendar: 14:00-16:00 at windows 1 and 3, appointments only.
    duty = {"kind": "duty", "hours": ["14:00-16:00"], "windows": [1, 3], "appointment_only": True, "note": "值班"}
    assert supervisor.put("/calendar/overrides/2026-12-06", json=duty).status_code == 200
    on_duty = slot_of(live_hall, "2026-12-06", "15:30")
    assert (on_duty["seats"], on_duty["appointment_only"], on_duty["window_numbers"]) == (4, True, [1, 3])
    assert web_booking(live_hall, "2026-12-06T15:30", phone="13955500003").status_code == 201
    before_duty = web_booking(live_hall, "2026-12-06T10:00", phone="13955500004")
    assert before_duty.status_code == 409 and before_duty.json()["error"]["code"] == "slot_outside_hours"
    assert len(supervisor.get("/appointments", params={"date": "2026-12-06"}).json()["appointments"]) == 1


def test_each_refused_time_has_its_own_chinese_message(live_hall):
    refused = {
        "slot_in_past": "2026-11-26T09:30",
        "slot_beyond_horizon": "2026-12-11T10:00",
        "slot_outside_hours": "2026-11-27T20:00",
        "slot_booking_closed": "2026-11-26T10:00",
        "slot_not_a_start": "2026-11-27T10:10",
    }
    messages = set()
    for i, (code, slot) in enumerate(refused.items()):
        live_hall.clock.set(datetime(2026, 11, 26, 9, 45, tzinfo=CHINA))
        r = web_booking(live_hall, slot, phone=f"1395550010{i}")
        assert r.status_code in (400, 409) and r.json()["error"]["code"] == code, (code, r.json())
        messages.add(r.json()["error"]["message"])
    assert len(messages) == len(refused) and all("预约" in m or "时段" in m for m in messages)
    assert (
        live_hall.client("supervisor").get("/appointments", params={"date": "2026-11-27"}).json()["appointments"] == []
    )


def test_cancel_needs_the_phone_tail_and_frees_the_seat(live_hall):
    code = web_booking(live_hall, "2026-11-27T10:00").json()["code"]
    wrong = public(live_hall).post(f"/appointments/{code}/cancel", json={"phone_tail": "9999"})
    assert wrong.status_code == 404
    ok = public(live_hall).post(f"/appointments/{code}/cancel", json={"phone_tail": "1234"})
    assert ok.status_code == 200 and ok.json()["status"] == "cancelled"
    assert slot_of(live_hall, "2026-11-27", "10:00")["taken"] == 0
    again = public(live_hall).post(f"/appointments/{code}/cancel", json={"phone_tail": "1234"})
    assert again.status_code == 409 and "已取消" in again.json()["error"]["message"]


def test_reschedule_moves_the_seat_and_a_full_slot_changes_nothing(live_hall):
    code = web_booking(live_hall, "2026-11-27T10:00").json()["code"]
    moved = public(live_hall).post(
        f"/appointments/{code}/reschedule", json={"phone_tail": "1234", "slot_start": "2026-11-27T12:00"}
    )
    assert moved.status_code == 200 and moved.json()["slot_start"].startswith("2026-11-27T12:00")
    assert slot_of(live_hall, "2026-11-27", "10:00")["taken"] == 0
    for i in range(2):
        web_booking(live_hall, "2026-11-28T09:00", phone=f"1395550020{i}")
    full = public(live_hall).post(
        f"/appointments/{code}/reschedule", json={"phone_tail": "1234", "slot_start": "2026-11-28T09:00"}
    )
    assert full.status_code == 409 and full.json()["error"]["code"] == "slot_full"
    kept = live_hall.client("supervisor").get(f"/appointments/{code}").json()
    assert kept["slot_start"].startswith("2026-11-27T12:00") and kept["status"] == "booked"
    assert slot_of(live_hall, "2026-11-27", "12:00")["taken"] == 1


def test_guessing_codes_from_one_address_is_throttled(live_hall):
    c = public(live_hall)
    answers = [c.post(f"/appointments/{i:06d}/cancel", json={"phone_tail": "0000"}).status_code for i in range(25)]
    assert answers[:20] == [404] * 20 and set(answers[20:]) == {429}
    r = c.post("/appointments/000001/cancel", json={"phone_tail": "0000"})
    assert "次数过多" in r.json()["error"]["message"]


def test_bad_input_is_explained_in_chinese_and_nothing_is_stored(live_hall):
    cases = {
        "matter_not_found": {"matter_id": 999},
        "invalid_phone": {"phone": "12345"},
        "invalid_id_number": {"id_number": "341522198001010011"},
    }
    for code, extra in cases.items():
        r = web_booking(live_hall, "2026-11-27T10:00", **extra)
        assert r.status_code in (400, 404) and r.json()["error"]["code"] == code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["error"]["message"])
    no_phone = public(live_hall).post(
        "/appointments", json={"channel": "web", "resident_name": "王小明", "slot_start": "2026-11-27T10:00"}
    )
    assert no_phone.json()["error"]["code"] == "phone_required"
    assert slot_of(live_hall, "2026-11-27", "10:00")["taken"] == 0


def test_only_web_bookings_are_open_without_a_token(live_hall):
    r = public(live_hall).post(
        "/appointments", json={"channel": "hotline", "resident_name": "王小明", "slot_start": "2026-11-27T10:00"}
    )
    assert r.status_code == 401 and "工作人员" in r.json()["error"]["message"]


def test_the_day_list_is_for_staff_only(live_hall):
    web_booking(live_hall, "2026-11-27T10:00")
    assert live_hall.client("clerk-1").get("/appointments", params={"date": "2026-11-27"}).status_code == 200
    assert live_hall.client("kiosk").get("/appointments", params={"date": "2026-11-27"}).status_code == 403
    assert public(live_hall).get("/appointments", params={"date": "2026-11-27"}).status_code == 401


def test_a_booking_and_its_cancellation_go_through_the_outbox(live_hall):
    code = web_booking(live_hall, "2026-11-27T10:00").json()["code"]
    public(live_hall).post(f"/appointments/{code}/cancel", json={"phone_tail": "1234"})
    with live_hall.server.db.read() as conn:
        rows = conn.execute(select(CaseNotification).order_by(CaseNotification.id)).all()
    assert "验证码" in rows[0].text and code not in rows[0].text  # first the SMS code, without the check-in code
    rows = rows[1:]
    assert [r.recipient for r in rows] == [PHONE, PHONE] and all(code in r.text for r in rows)
    assert "已取消" in rows[1].text and all(r.status == "queued" for r in rows)
