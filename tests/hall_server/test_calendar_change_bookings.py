"""A calendar change never strands a resident's booking: the supervisor is shown the bookings the
new calendar has no seat for (409) and, on confirming, the hall cancels them, texts each resident
the /book link, and the resident moves the booking there; check-in refuses it meanwhile.

The live hall is the pilot hall on Thursday 2026-11-26 10:00. Friday 2026-11-27 is an ordinary
working day (3 bookable seats per slot); Sunday 2026-12-06 is closed unless a 节假日受理 duty day
is entered (appointment-only: 2 seats per window and slot)."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
from sqlalchemy import select

from hall_server.storage.case_models import CaseNotification
from hall_server.storage.models import Appointment
from tests.support.booking import confirmed

DUTY = {"kind": "duty", "hours": ["09:00-12:00"], "windows": [1, 3], "appointment_only": True, "note": "值班"}
CONFIRM = {"affected_bookings": "cancel_and_notify"}


def book(hall, slot: str, phone: str, name: str = "王小明") -> dict:
    r = hall.client("supervisor").post(
        "/appointments", json={"resident_name": name, "phone": phone, "slot_start": slot, "matter_id": 1}
    )
    assert r.status_code == 201, r.json()
    return r.json()


def put_day(hall, day: str, body: dict) -> httpx.Response:
    return hall.client("supervisor").put(f"/calendar/overrides/{day}", json=body)


def statuses(hall, day: str) -> dict[str, tuple[str, str | None]]:
    listed = hall.client("supervisor").get("/appointments", params={"date": day}).json()["appointments"]
    return {a["code"]: (a["status"], a["cancel_reason"]) for a in listed}


def test_making_a_booked_day_a_holiday_asks_first_then_cancels_its_bookings(live_hall_any):
    hall = live_hall_any
    ten, two = book(hall, "2026-11-27T10:00", "13955500001"), book(hall, "2026-11-27T14:00", "13955500002", "欧阳小明")
    asked = put_day(hall, "2026-11-27", {"kind": "holiday", "note": "镇里停电"})
    assert asked.status_code == 409 and asked.json()["error"]["code"] == "calendar_change_strands_bookings"
    assert "2个预约" in asked.json()["error"]["message"]
    affected = asked.json()["error"]["details"]["affected"]
    assert [(a["slot_start"][11:16], a["resident_masked"], a["code"], a["reason"]) for a in affected] == [
        ("10:00", "王*明", ten["code"], "day_closed"),
        ("14:00", "欧**明", two["code"], "day_closed"),
    ]
    # Nothing changed: the day is still open and both bookings stand.
    assert hall.client("supervisor").get("/calendar/overrides").json()["overrides"] == []
    assert set(statuses(hall, "2026-11-27").values()) == {("booked", None)}
    saved = put_day(hall, "2026-11-27", {"kind": "holiday", "note": "镇里停电", **CONFIRM})
    assert saved.status_code == 200 and saved.json()["cancelled_bookings"] == 2 and not saved.json()["is_working_day"]
    assert set(statuses(hall, "2026-11-27").values()) == {("hall_cancelled", "day_closed")}


def test_shorter_duty_hours_cancel_only_the_bookings_outside_them(live_hall_any):
    hall = live_hall_any
    assert put_day(hall, "2026-12-06", DUTY).status_code == 200
    early, late = book(hall, "2026-12-06T09:00", "13955500001"), book(hall, "2026-12-06T11:00", "13955500002")
    shorter = {**DUTY, "hours": ["09:00-10:00"]}
    asked = put_day(hall, "2026-12-06", shorter)
    assert asked.status_code == 409
    assert [(a["code"], a["reason"]) for a in asked.json()["error"]["details"]["affected"]] == [
        (late["code"], "outside_hours")
    ]
    assert put_day(hall, "2026-12-06", {**shorter, **CONFIRM}).json()["cancelled_bookings"] == 1
    assert statuses(hall, "2026-12-06") == {
        early["code"]: ("booked", None),
        late["code"]: ("hall_cancelled", "outside_hours"),
    }


def test_fewer_windows_keep_the_earliest_bookings_of_a_slot_and_free_no_extra_seat(live_hall_any):
    hall = live_hall_any
    assert put_day(hall, "2026-12-06", DUTY).status_code == 200  # windows 1 and 3: 4 seats at 09:30
    first, second, third = (book(hall, "2026-12-06T09:30", f"1395550000{i}") for i in range(3))
    one_window = {**DUTY, "windows": [1]}  # 2 seats
    asked = put_day(hall, "2026-12-06", one_window)
    assert [(a["code"], a["reason"]) for a in asked.json()["error"]["details"]["affected"]] == [
        (third["code"], "over_capacity")
    ]
    assert put_day(hall, "2026-12-06", {**one_window, **CONFIRM}).status_code == 200
    day = statuses(hall, "2026-12-06")
    assert [day[b["code"]][0] for b in (first, second, third)] == ["booked", "booked", "hall_cancelled"]
    slot = hall.client("supervisor").get("/appointments/slots", params={"date": "2026-12-06"}).json()["slots"]
    assert next(s for s in slot if s["start"][11:16] == "09:30")[("seats")] == 2
    assert next(s for s in slot if s["start"][11:16] == "09:30")["taken"] == 2


def test_a_change_that_strands_nobody_saves_at_once(live_hall_any):
    hall = live_hall_any
    book(hall, "2026-11-27T10:00", "13955500001")
    # A working day marked a working day (调休 note) keeps every seat; an empty day may close.
    kept = put_day(hall, "2026-11-27", {"kind": "workday", "note": "照常上班"})
    closed = put_day(hall, "2026-11-30", {"kind": "holiday", "note": "无预约"})
    assert (kept.status_code, kept.json()["cancelled_bookings"]) == (200, 0)
    assert (closed.status_code, closed.json()["cancelled_bookings"]) == (200, 0)
    assert set(statuses(hall, "2026-11-27").values()) == {("booked", None)}


def test_each_cancelled_resident_gets_one_sms_with_the_book_link_and_code(live_hall):
    appt = book(live_hall, "2026-11-27T10:00", "13955501234")
    for _ in range(2):  # saving the same holiday again cancels nothing more and texts nobody again
        assert put_day(live_hall, "2026-11-27", {"kind": "holiday", **CONFIRM}).status_code == 200
    with live_hall.server.db.read() as conn:
        texts = (
            conn.execute(
                select(CaseNotification.text)
                .where(CaseNotification.appointment_id == appt["id"])
                .order_by(CaseNotification.id)
            )
            .scalars()
            .all()
        )
    assert len(texts) == 2  # the booking's confirmation, then the hall's cancellation
    assert f"{live_hall.base_url}/book?code={appt['code']}" in texts[1]
    assert "已由大厅取消" in texts[1] and "不计爽约" in texts[1] and "当天不再办公" in texts[1]


def test_a_hall_cancelled_booking_is_moved_from_book_with_code_and_phone_tail_even_at_the_booking_limit(live_hall):
    public = httpx.Client(base_url=live_hall.base_url + "/api/v1", timeout=20)
    live_hall.clients.append(public)
    body = {"channel": "web", "resident_name": "王小明", "phone": "13955501234", "matter_id": 1}
    codes = [confirmed(live_hall, public.post("/appointments", json={**body, "slot_start": f"2026-11-27T{t}"})).json()["code"]
             for t in ("09:00", "10:00", "14:00")]  # fmt: skip
    assert public.post("/appointments", json={**body, "slot_start": "2026-11-30T09:00"}).status_code == 429
    assert put_day(live_hall, "2026-11-27", {"kind": "holiday", **CONFIRM}).json()["cancelled_bookings"] == 3
    seen = public.post(f"/appointments/{codes[0]}/lookup", json={"phone_tail": "1234"}).json()
    assert (seen["status"], seen["cancel_reason"]) == ("hall_cancelled", "day_closed")
    moved = public.post(
        f"/appointments/{codes[0]}/reschedule", json={"phone_tail": "1234", "slot_start": "2026-11-30T09:00"}
    )
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["status"], moved.json()["slot_start"][:16]) == ("booked", "2026-11-30T09:00")
    slots = public.get("/appointments/slots", params={"date": "2026-11-30"}).json()["slots"]
    assert next(s for s in slots if s["start"][11:16] == "09:00")["taken"] == 1
    wrong_tail = public.post(f"/appointments/{codes[1]}/lookup", json={"phone_tail": "9999"})
    assert wrong_tail.status_code == 404


def test_check_in_refuses_a_hall_cancelled_booking_with_how_to_rebook(live_hall):
    appt = book(live_hall, "2026-11-26T10:30", "13955501234")
    assert put_day(live_hall, "2026-11-26", {"kind": "holiday", **CONFIRM}).json()["cancelled_bookings"] == 1
    r = live_hall.client("kiosk").post("/tickets", json={"appointment_code": appt["code"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "appointment_hall_cancelled"
    assert "大厅取消" in r.json()["error"]["message"] and "改约" in r.json()["error"]["message"]


def test_a_booking_made_while_the_change_is_being_saved_is_checked_against_the_new_calendar(live_hall_any):
    """The change holds its transaction open after reading the day's bookings; a booking sent
    then must wait for it and be refused, not slip in as a booking on a closed day."""
    hall = live_hall_any
    bookings = hall.server.overview.bookings
    reached, release = threading.Event(), threading.Event()
    find = bookings.find

    def slow_find(*args, **kwargs):
        found = find(*args, **kwargs)
        reached.set()
        release.wait(10)
        return found

    bookings.find = slow_find
    results: dict[str, httpx.Response] = {}
    change = threading.Thread(
        target=lambda: results.update(change=put_day(hall, "2026-11-27", {"kind": "holiday", **CONFIRM}))
    )
    change.start()
    assert reached.wait(10)
    client = hall.client("supervisor")
    body = {"resident_name": "李四", "phone": "13955509999", "slot_start": "2026-11-27T10:00", "matter_id": 1}
    booking = threading.Thread(target=lambda: results.update(booking=client.post("/appointments", json=body)))
    booking.start()
    booking.join(0.5)  # room for a booking to slip through while the change is held
    release.set()
    change.join(10)
    booking.join(10)
    assert results["change"].status_code == 200
    assert results["booking"].status_code == 409, results["booking"].json()
    assert results["booking"].json()["error"]["code"] == "slot_outside_hours"
    with hall.server.db.read() as conn:
        assert conn.execute(select(Appointment.status).where(Appointment.status == "booked")).all() == []


def test_a_hall_cancelled_booking_whose_time_passes_is_never_counted_as_a_no_show(live_hall):
    appt = book(live_hall, "2026-11-26T10:30", "13955501234")
    assert put_day(live_hall, "2026-11-26", {"kind": "holiday", **CONFIRM}).json()["cancelled_bookings"] == 1
    live_hall.clock.set(live_hall.clock.now() + timedelta(hours=3))
    live_hall.server.appointments.mark_no_shows(live_hall.hall_id)
    assert statuses(live_hall, "2026-11-26")[appt["code"]] == ("hall_cancelled", "day_closed")
