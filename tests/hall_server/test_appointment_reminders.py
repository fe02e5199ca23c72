"""Reminders through the notifier outbox, driven by the clock: the day before at 16:00 and 60
minutes before the slot (the pilot hall's values), each sent once however often the ticker runs."""

from __future__ import annotations

from datetime import datetime

import httpx
from sqlalchemy import select

from hall_server.core.clock import CHINA
from hall_server.storage.case_models import CaseNotification
from tests.support.booking import confirmed


def web_booking(hall, slot: str) -> dict:
    c = httpx.Client(base_url=hall.base_url + "/api/v1", timeout=20)
    hall.clients.append(c)
    body = {"channel": "web", "resident_name": "钱七", "phone": "13955508888", "slot_start": slot}
    r = confirmed(hall, c.post("/appointments", json=body))
    assert r.status_code == 201, r.text
    return r.json()


def outbox(hall) -> list[str]:
    with hall.server.db.read() as conn:
        rows = conn.execute(select(CaseNotification).order_by(CaseNotification.id))
        return [r.text for r in rows if "验证码" not in r.text]  # the booking's SMS code is not a reminder


def tick_at(hall, hour: int, minute: int, day: int = 26) -> None:
    hall.clock.set(datetime(2026, 11, day, hour, minute, tzinfo=CHINA))
    hall.server.appointments.tick()
    hall.server.appointments.tick()  # a second tick (or a second server) sends nothing more


def test_the_day_before_and_the_hour_before_reminders_are_each_sent_once(live_hall):
    code = web_booking(live_hall, "2026-11-27T10:00")["code"]
    tick_at(live_hall, 15, 59)
    assert len(outbox(live_hall)) == 1  # the confirmation only
    tick_at(live_hall, 16, 0)
    assert len(outbox(live_hall)) == 2 and "明天" in outbox(live_hall)[1] and code in outbox(live_hall)[1]
    tick_at(live_hall, 8, 59, day=27)
    assert len(outbox(live_hall)) == 2
    tick_at(live_hall, 9, 0, day=27)
    assert len(outbox(live_hall)) == 3 and "即将开始" in outbox(live_hall)[2]


def test_a_booking_made_inside_the_reminder_time_gets_only_its_confirmation(live_hall):
    web_booking(live_hall, "2026-11-26T10:30")
    tick_at(live_hall, 10, 5)
    assert len(outbox(live_hall)) == 1


def test_a_cancelled_booking_is_not_reminded(live_hall):
    booked = web_booking(live_hall, "2026-11-27T10:00")
    c = httpx.Client(base_url=live_hall.base_url + "/api/v1", timeout=20)
    live_hall.clients.append(c)
    c.post(f"/appointments/{booked['code']}/cancel", json={"phone_tail": "8888"})
    tick_at(live_hall, 16, 30)
    assert len(outbox(live_hall)) == 2 and "已取消" in outbox(live_hall)[1]


def test_a_booking_moved_to_a_later_day_is_reminded_again_before_its_new_slot(live_hall):
    booked = web_booking(live_hall, "2026-11-27T10:00")
    tick_at(live_hall, 16, 0)  # the day before the old slot: reminded
    c = httpx.Client(base_url=live_hall.base_url + "/api/v1", timeout=20)
    live_hall.clients.append(c)
    moved = c.post(
        f"/appointments/{booked['code']}/reschedule", json={"phone_tail": "8888", "slot_start": "2026-11-30T10:00"}
    )
    assert moved.status_code == 200, moved.text
    told = len(outbox(live_hall))
    tick_at(live_hall, 16, 0, day=29)  # the day before the new slot
    assert len(outbox(live_hall)) == told + 1 and "明天" in outbox(live_hall)[-1]
    tick_at(live_hall, 9, 0, day=30)
    assert len(outbox(live_hall)) == told + 2 and "即将开始" in outbox(live_hall)[-1]


def test_a_booking_moved_to_tomorrow_after_the_reminder_time_gets_only_the_move_message(live_hall):
    booked = web_booking(live_hall, "2026-11-30T10:00")
    live_hall.clock.set(datetime(2026, 11, 29, 17, 0, tzinfo=CHINA))
    c = httpx.Client(base_url=live_hall.base_url + "/api/v1", timeout=20)
    live_hall.clients.append(c)
    moved = c.post(
        f"/appointments/{booked['code']}/reschedule", json={"phone_tail": "8888", "slot_start": "2026-11-30T11:00"}
    )
    assert moved.status_code == 200, moved.text
    told = len(outbox(live_hall))
    tick_at(live_hall, 17, 30, day=29)
    assert len(outbox(live_hall)) == told  # the move's message already says when
