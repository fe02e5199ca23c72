"""节假日受理 duty days entered in the calendar: stored on SQLite and PostgreSQL,
checked field by field, and followed by everything that reads the schedule — the hall's open
state and next opening, the day's bookable slots, the desk and the kiosk.

The live hall is the pilot hall on Thursday 2026-11-26 10:00; Sunday 2026-11-29 is a rest day the
hall file leaves closed (its 节假日受理 slot is on Saturdays)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from hall_server.core.clock import CHINA

SUNDAY = "2026-11-29"
DUTY = {"kind": "duty", "note": "镇里值班", "hours": ["09:00-11:30"], "windows": [1], "appointment_only": True}


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def put_duty(hall, day: str = SUNDAY, **changes):
    return hall.client("supervisor").put(f"/calendar/overrides/{day}", json=DUTY | changes)


def slots(hall, day: str) -> list[dict]:
    return hall.client("kiosk").get("/appointments/slots", params={"date": day}).json()["slots"]


def test_a_duty_day_is_stored_and_offers_its_own_slots_on_both_databases(live_hall_any):
    hall = live_hall_any
    assert slots(hall, SUNDAY) == []
    r = put_duty(hall, hours=["14:00-16:00", "09:00-11:30"], windows=[2, 1])
    assert r.status_code == 200, r.text
    assert r.json()["is_working_day"] is False and r.json()["duty_day"] == {
        "name": "节假日受理",
        "note": "镇里值班",
        "appointment_only": True,
        "hours": ["09:00-11:30", "14:00-16:00"],
        "windows": [1, 2],
    }
    assert hall.client("supervisor").get("/calendar/overrides").json()["overrides"] == [
        {
            "date": SUNDAY,
            "kind": "duty",
            "note": "镇里值班",
            "hours": ["09:00-11:30", "14:00-16:00"],
            "windows": [1, 2],
            "appointment_only": True,
        }
    ]
    offered = slots(hall, SUNDAY)
    # 09:00…11:00 and 14:00…15:30, two windows × 2 seats, all bookable (appointment-only).
    assert [s["start"][11:16] for s in offered] == ["09:00", "09:30", "10:00", "10:30", "11:00"] + [
        "14:00",
        "14:30",
        "15:00",
        "15:30",
    ]
    assert {(s["seats"], s["appointment_only"], tuple(s["window_numbers"])) for s in offered} == {(4, True, (1, 2))}
    booked = hall.client("supervisor").post(
        "/appointments", json={"resident_name": "李四", "slot_start": f"{SUNDAY}T14:30", "matter_id": 1}
    )
    assert booked.status_code == 201, booked.text
    # Removing the duty day strands that booking: the supervisor confirms (test_calendar_change_bookings.py).
    removed = {"kind": None, "affected_bookings": "cancel_and_notify"}
    assert hall.client("supervisor").put(f"/calendar/overrides/{SUNDAY}", json=removed).status_code == 200
    assert slots(hall, SUNDAY) == [] and hall.client("supervisor").get("/calendar/overrides").json()["overrides"] == []


def test_two_supervisors_saving_the_same_day_at_once_both_succeed_and_one_entry_remains(live_hall_any):
    hall = live_hall_any
    supervisors = [hall.client("supervisor") for _ in range(8)]

    def save(i: int) -> int:
        body = DUTY | {"note": f"值班{i}"} if i % 2 else {"kind": "holiday", "note": f"休息{i}"}
        return supervisors[i % 8].put(f"/calendar/overrides/{SUNDAY}", json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(save, range(16)))
    assert codes == [200] * 16
    assert len(hall.client("supervisor").get("/calendar/overrides").json()["overrides"]) == 1


def test_the_hall_status_names_todays_duty_day_and_its_opening(live_hall):
    assert put_duty(live_hall).status_code == 200
    board = live_hall.client("board")
    live_hall.clock.set(local("2026-11-28 18:00"))  # Saturday evening: the next opening is Sunday's duty
    status = board.get("/hall").json()["status"]
    assert status["next_period_at"] == f"{SUNDAY}T09:00:00+08:00"
    assert status["today"]["duty_day"]["hours"] == ["09:00-11:30"]  # Saturday's own 节假日受理 slot (hall file)
    live_hall.clock.set(local(f"{SUNDAY} 09:40"))
    status = board.get("/hall").json()["status"]
    assert status["state"] == "appointment_only"
    assert status["today"]["duty_day"] == {
        "name": "节假日受理",
        "note": "镇里值班",
        "appointment_only": True,
        "hours": ["09:00-11:30"],
        "windows": [1],
    }
    assert [p["kind"] for p in status["today"]["periods"]] == ["holiday"]
    live_hall.clock.set(local("2026-11-27 10:00"))
    assert board.get("/hall").json()["status"]["today"]["duty_day"] is None  # an ordinary Friday


def test_an_appointment_only_duty_day_checks_in_the_booking_and_refuses_walk_ins(live_hall):
    assert put_duty(live_hall).status_code == 200
    code = (
        live_hall.client("supervisor")
        .post("/appointments", json={"resident_name": "张小三", "slot_start": f"{SUNDAY}T10:00", "matter_id": 1})
        .json()["code"]
    )
    live_hall.clock.set(local(f"{SUNDAY} 09:40"))
    kiosk = live_hall.client("kiosk")
    walk_in = kiosk.post("/tickets", json={"matter_id": 1})
    assert walk_in.status_code == 409 and walk_in.json()["error"]["code"] == "appointment_only"
    ticket = kiosk.post("/tickets", json={"appointment_code": code})
    assert ticket.status_code == 201, ticket.text
    live_hall.clock.set(local(f"{SUNDAY} 10:00"))
    assert live_hall.client("clerk-3").post("/windows/3/call-next").status_code == 409  # not on duty today
    called = live_hall.client("clerk-1").post("/windows/1/call-next").json()["ticket"]
    assert called["number"] == ticket.json()["number"]


def test_a_walk_in_duty_day_issues_tickets_and_keeps_the_walk_in_share_of_seats(live_hall):
    assert put_duty(live_hall, windows=[1, 2], appointment_only=False).status_code == 200
    offered = slots(live_hall, SUNDAY)
    # two windows × 2 seats, half kept for walk-ins
    assert {(s["seats"], s["appointment_only"]) for s in offered} == {(2, False)}
    live_hall.clock.set(local(f"{SUNDAY} 09:40"))
    assert live_hall.client("board").get("/hall").json()["status"]["state"] == "open"
    assert live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).status_code == 201


def test_a_wrong_duty_day_is_refused_naming_the_field_and_nothing_is_stored(live_hall):
    wrong = {
        "hours": ({"hours": []}, "duty_hours_required", "hours"),
        "hours[1]": ({"hours": ["09:00-11:30", "14:00-25:00"]}, "duty_hours_format", "hours[1]"),
        "backwards": ({"hours": ["11:30-09:00"]}, "duty_hours_order", "hours[0]"),
        "overlap": ({"hours": ["09:00-11:30", "11:00-12:00"]}, "duty_hours_overlap", "hours"),
        "too many": ({"hours": [f"{h:02d}:00-{h:02d}:30" for h in range(8, 13)]}, "duty_hours_too_many", "hours"),
        "no window": ({"windows": []}, "duty_windows_required", "windows"),
        "window 7": ({"windows": [1, 7]}, "duty_window_unknown", "windows"),
        "not a list": ({"hours": "09:00-11:30"}, "field_type", "hours"),
    }
    messages = set()
    for name, (changes, code, field) in wrong.items():
        r = put_duty(live_hall, **changes)
        error = r.json()["error"]
        assert r.status_code == 400 and error["code"] == code, (name, error)
        assert field in error["message"], (name, error["message"])
        messages.add(error["message"])
    holiday_with_hours = live_hall.client("supervisor").put(
        f"/calendar/overrides/{SUNDAY}", json={"kind": "holiday", "hours": ["09:00-11:30"]}
    )
    assert holiday_with_hours.json()["error"]["code"] == "duty_fields_need_duty"
    assert len(messages) == len(wrong) and all(any("\u4e00" <= c <= "\u9fff" for c in m) for m in messages)
    assert live_hall.client("supervisor").get("/calendar/overrides").json()["overrides"] == []
    assert slots(live_hall, SUNDAY) == []


def test_only_supervisors_and_admins_set_duty_days(live_hall):
    for role in ("kiosk", "board", "clerk-1"):
        assert live_hall.client(role).put(f"/calendar/overrides/{SUNDAY}", json=DUTY).status_code == 403, role
    assert live_hall.client("admin").put(f"/calendar/overrides/{SUNDAY}", json=DUTY).status_code == 200


def test_a_walk_in_duty_day_asks_consent_when_its_own_closing_cannot_be_reached(live_hall):
    assert put_duty(live_hall, appointment_only=False).status_code == 200
    live_hall.clock.set(local(f"{SUNDAY} 11:00"))
    kiosk = live_hall.client("kiosk")
    assert kiosk.post("/tickets", json={"matter_id": 1}).status_code == 201
    late = kiosk.post("/tickets", json={"matter_id": 1})
    assert late.status_code == 409 and late.json()["error"]["code"] == "closing_soon"
    assert "11:30" in late.json()["error"]["message"]
    projection = live_hall.client("board").get("/hall").json()["projection"]
    assert projection["closing"] == f"{SUNDAY}T11:30:00+08:00"
