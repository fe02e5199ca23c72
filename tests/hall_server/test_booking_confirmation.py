"""Web and phone bookings confirm the phone by an SMS code before the seat is theirs; unconfirmed
holds expire and free the seat; the public limits are counted in the database; the supervisor sees
and releases bookings that look like hoarding. The kiosk and the hotline book as before.

The live hall is the pilot hall on Thursday 2026-11-26 10:00; Friday's regular slots have 3
bookable seats, Saturday's 节假日受理 slots 2."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select

from hall_server.storage.models import Appointment, AppointmentSlotSeats
from tests.support.booking import confirm, sms_code
from tests.support.live_server import start_live_hall

FRIDAY = "2026-11-27"


def book(hall, slot: str, phone: str, id_number: str | None = None, name: str = "王小明") -> httpx.Response:
    body = {"channel": "web", "resident_name": name, "phone": phone, "slot_start": slot, "matter_id": 1}
    if id_number:
        body["id_number"] = id_number
    return httpx.post(hall.base_url + "/api/v1/appointments", json=body, timeout=20)


def taken(hall, day: str, hhmm: str) -> int:
    slots = httpx.get(hall.base_url + "/api/v1/appointments/slots", params={"date": day}, timeout=20).json()["slots"]
    return next(s for s in slots if s["start"][11:16] == hhmm)["taken"]


def status_of(hall, code: str) -> str:
    with hall.server.db.read() as conn:
        return conn.execute(select(Appointment.status).where(Appointment.code == code)).scalar_one()


def test_a_web_booking_holds_its_seat_until_the_texted_code_is_typed_and_only_then_checks_in(live_hall):
    held = book(live_hall, f"{FRIDAY}T10:00", "13955501234")
    assert held.status_code == 201 and held.json()["status"] == "held"
    assert held.json()["hold_expires_at"].startswith("2026-11-26T10:10")
    assert taken(live_hall, FRIDAY, "10:00") == 1  # the seat is held, nobody else gets it meanwhile
    code = held.json()["code"]
    kiosk = live_hall.client("kiosk")
    live_hall.clock.advance(minutes=5)
    wrong = httpx.post(f"{live_hall.base_url}/api/v1/appointments/{code}/confirm", json={"sms_code": "000000"})
    if sms_code(live_hall, code) != "000000":
        assert wrong.status_code == 400 and "还可以试4次" in wrong.json()["error"]["message"]
    done = confirm(live_hall, held)
    assert done.status_code == 200 and done.json()["status"] == "booked" and done.json()["hold_expires_at"] is None
    assert taken(live_hall, FRIDAY, "10:00") == 1
    again = confirm(live_hall, held)  # a second tap on 确认 answers the same
    assert again.status_code == 200 and again.json()["status"] == "booked"
    assert kiosk.get(f"/appointments/{code}").json()["status"] == "booked"


def test_an_unconfirmed_hold_expires_after_ten_minutes_and_its_seat_goes_to_the_next_resident(live_hall):
    hall = live_hall
    first, second = (book(hall, "2026-11-28T09:00", f"1395550000{i}") for i in range(2))
    assert first.status_code == second.status_code == 201
    full = book(hall, "2026-11-28T09:00", "13955500009")
    assert full.status_code == 409 and full.json()["error"]["code"] == "slot_full"
    assert confirm(hall, second).status_code == 200
    hall.clock.advance(minutes=11)
    hall.server.appointments.tick()  # the ticker's step, at the clock's time
    assert status_of(hall, first.json()["code"]) == "expired" and taken(hall, "2026-11-28", "09:00") == 1
    third = book(hall, "2026-11-28T09:00", "13955500009")
    assert third.status_code == 201 and confirm(hall, third).status_code == 200
    late = confirm(hall, first)  # the first resident's code, too late and the slot full now
    assert late.status_code == 409 and late.json()["error"]["code"] == "slot_full"
    assert taken(hall, "2026-11-28", "09:00") == 2


def test_a_late_code_still_books_if_the_seat_is_free(live_hall):
    held = book(live_hall, f"{FRIDAY}T10:30", "13955501234")
    live_hall.clock.advance(minutes=25)
    done = confirm(live_hall, held)
    assert done.status_code == 200 and done.json()["status"] == "booked"
    assert taken(live_hall, FRIDAY, "10:30") == 1


def test_five_wrong_codes_end_the_hold_and_free_the_seat(live_hall):
    held = book(live_hall, f"{FRIDAY}T11:00", "13955501234")
    code = held.json()["code"]
    right = sms_code(live_hall, code)
    wrong = next(c for c in ("111111", "222222") if c != right)
    answers = [
        httpx.post(f"{live_hall.base_url}/api/v1/appointments/{code}/confirm", json={"sms_code": wrong})
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 409]
    assert answers[-1].json()["error"]["code"] == "sms_code_tries_used"
    assert confirm(live_hall, held).status_code == 409  # even the right code now
    assert taken(live_hall, FRIDAY, "11:00") == 0


def test_twenty_wrong_codes_at_once_still_end_the_hold_after_five(live_hall_any):
    hall = live_hall_any
    held = book(hall, f"{FRIDAY}T11:30", "13955501234")
    code = held.json()["code"]
    wrong = next(c for c in ("111111", "222222") if c != sms_code(hall, code))
    url = f"{hall.base_url}/api/v1/appointments/{code}/confirm"
    gate = threading.Barrier(20)

    def guess(_: int) -> int:
        gate.wait()
        return httpx.post(url, json={"sms_code": wrong}, timeout=20).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(guess, range(20)))
    assert answers.count(400) == 4 and answers.count(409) == 16, answers
    assert status_of(hall, code) == "expired" and taken(hall, FRIDAY, "11:30") == 0


def test_a_landline_cannot_receive_the_code_and_is_told_to_use_a_mobile_or_call(live_hall):
    r = book(live_hall, f"{FRIDAY}T10:00", "0564-5123456")
    assert r.status_code == 400 and "11位手机号码" in r.json()["error"]["message"]


def test_kiosk_and_hotline_book_at_once_without_a_code(live_hall):
    body = {"resident_name": "李大爷", "phone": "13955507777", "slot_start": f"{FRIDAY}T10:00", "matter_id": 1}
    kiosk = live_hall.client("kiosk").post("/appointments", json={**body, "channel": "kiosk"})
    hotline = live_hall.client("clerk-1").post("/appointments", json={**body, "phone": "05645123456"})
    assert kiosk.status_code == hotline.status_code == 201, (kiosk.text, hotline.text)
    assert kiosk.json()["status"] == hotline.json()["status"] == "booked"
    assert hotline.json()["channel"] == "hotline"


def test_the_phone_and_id_limits_are_kept_in_the_database_across_a_restart(sqlite_url):
    hall = start_live_hall(sqlite_url, "2026-11-26 10:00")
    try:
        for hhmm in ("10:00", "10:30", "11:00"):
            assert book(hall, f"{FRIDAY}T{hhmm}", "13955501234").status_code == 201
        for i, hhmm in enumerate(("14:00", "14:30", "15:00")):
            assert book(hall, f"{FRIDAY}T{hhmm}", f"1395550200{i}", id_number="34152219800101000X").status_code == 201
    finally:
        hall.stop()
    hall = start_live_hall(sqlite_url, "2026-11-26 10:05")  # the server restarted
    try:
        by_phone = book(hall, f"{FRIDAY}T15:30", "13955501234")
        assert by_phone.status_code == 429 and by_phone.json()["error"]["code"] == "booking_throttled"
        by_id = book(hall, f"{FRIDAY}T15:30", "13955502009", id_number="34152219800101000X")
        assert by_id.status_code == 429
        assert book(hall, f"{FRIDAY}T15:30", "13955502008").status_code == 201  # someone else still can
    finally:
        hall.stop()


def test_one_address_gets_twenty_bookings_a_day_even_across_a_restart(sqlite_url):
    slots = [f"{FRIDAY}T{h:02d}:{m:02d}" for h in (9, 10, 11, 14, 15, 16) for m in (0, 30)]
    hall = start_live_hall(sqlite_url, "2026-11-26 10:00")
    try:
        made = [book(hall, slots[i % len(slots)], f"139{i:08d}").status_code for i in range(20)]
        assert made == [201] * 20  # 12 slots of 3 seats: room for all
    finally:
        hall.stop()
    hall = start_live_hall(sqlite_url, "2026-11-26 10:05")
    try:
        refused = book(hall, f"{FRIDAY}T16:30", "13900000099")
        assert refused.status_code == 429 and "秒后再试" in refused.json()["error"]["message"]
    finally:
        hall.stop()


def test_supervisor_sees_bookings_from_one_address_and_a_run_of_phones_and_releases_them(live_hall):
    hall = live_hall
    codes = []
    for i, hhmm in enumerate(("09:00", "09:30", "10:00", "10:30", "11:00", "14:00")):
        r = book(hall, f"{FRIDAY}T{hhmm}", f"1395550{i:04d}", name="占号人")
        assert r.status_code == 201
        if i % 2 == 0:
            assert confirm(hall, r).status_code == 200
        codes.append(r.json()["code"])
    supervisor = hall.client("supervisor")
    seen = supervisor.get("/appointments/suspect").json()["groups"]
    kinds = {g["kind"]: g for g in seen}
    assert set(kinds) == {"address", "phone_pattern", "held"}
    assert kinds["address"]["key"] == "127.0.0.1" and kinds["address"]["count"] == 6
    assert kinds["phone_pattern"]["key"] == "139****00xx" and kinds["held"]["count"] == 3
    assert {b["resident_masked"] for b in kinds["address"]["bookings"]} == {"占*人"}
    released = supervisor.post("/appointments/release", json={"codes": codes})
    assert released.status_code == 200 and released.json()["released"] == 6
    assert {status_of(hall, c) for c in codes} == {"released"}
    assert taken(hall, FRIDAY, "09:00") == 0
    assert supervisor.get("/appointments/suspect").json()["groups"] == []
    again = supervisor.post("/appointments/release", json={"codes": codes[:1]})
    assert again.status_code == 409 and again.json()["error"]["message"]


@pytest.mark.parametrize("role", ["kiosk", "board", "pad-1", "clerk-1", "supervisor", "admin", None])
def test_only_supervisors_see_and_release_suspect_bookings(live_hall, role):
    code = book(live_hall, f"{FRIDAY}T10:00", "13955501234").json()["code"]
    client = live_hall.client(role) if role else httpx.Client(base_url=live_hall.base_url + "/api/v1")
    listing = client.get("/appointments/suspect")
    released = client.post("/appointments/release", json={"codes": [code]})
    if role in ("supervisor", "admin"):
        assert listing.status_code == 200 and released.status_code == 200
    else:
        assert listing.status_code == released.status_code == (401 if role is None else 403)
        assert status_of(live_hall, code) == "held"


def test_two_residents_taking_the_last_seat_at_once_one_gets_it(live_hall_any):
    """The last seat of a slot, once per round: a resident whose hold has just run out types the
    code at the very moment another books and confirms the same seat. Exactly one holds it."""
    hall = live_hall_any
    rounds = ("14:00", "14:30", "15:00", "15:30")  # 4 bookings a round: within one address's 20 a day
    winners = []
    for n, hhmm in enumerate(rounds):
        slot = f"{FRIDAY}T{hhmm}"
        for i in range(2):
            assert confirm(hall, book(hall, slot, f"13{n}0000000{i}")).status_code == 200
        slow = book(hall, slot, f"13{n}00000009")
        hall.clock.advance(minutes=11)
        gate = threading.Barrier(2)

        def late_code(slow=slow, gate=gate):
            gate.wait()
            return confirm(hall, slow).status_code

        def newcomer(slot=slot, n=n, gate=gate):
            gate.wait()
            r = book(hall, slot, f"13{n}00000008")
            return confirm(hall, r).status_code if r.status_code == 201 else r.status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            a, b = pool.submit(late_code), pool.submit(newcomer)
            results = (a.result(), b.result())
        assert sorted(results) == [200, 409], results
        winners.append(results)
        with hall.server.db.read() as conn:
            seats = conn.execute(
                select(AppointmentSlotSeats.taken).where(AppointmentSlotSeats.slot_start == slow_start(slow))
            ).scalar_one()
            booked = conn.execute(
                select(Appointment.id).where(
                    Appointment.slot_start == slow_start(slow), Appointment.status.in_(("booked", "held"))
                )
            ).all()
        assert seats == len(booked) == 3
    assert len(winners) == len(rounds)


def slow_start(held: httpx.Response):
    from datetime import datetime

    return datetime.fromisoformat(held.json()["slot_start"])
