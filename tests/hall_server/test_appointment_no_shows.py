"""爽约: a booking not checked in by its slot start plus the grace period (30 minutes in the pilot
hall) becomes a no-show; after 3 in 30 days a resident cannot book online (staff still can)."""

from __future__ import annotations

from datetime import datetime

import httpx

from hall_server.core.clock import CHINA
from tests.support.booking import confirmed

PHONE = "13955507777"


def web_booking(hall, slot: str) -> httpx.Response:
    c = httpx.Client(base_url=hall.base_url + "/api/v1", timeout=20)
    hall.clients.append(c)
    body = {"channel": "web", "resident_name": "赵六", "phone": PHONE, "slot_start": slot}
    return confirmed(hall, c.post("/appointments", json=body))


def statuses(hall, day: str) -> list[str]:
    listed = hall.client("supervisor").get("/appointments", params={"date": day}).json()["appointments"]
    return [a["status"] for a in listed]


def test_a_booking_becomes_a_no_show_only_after_the_grace_period(live_hall):
    web_booking(live_hall, "2026-11-26T11:00")
    live_hall.clock.set(datetime(2026, 11, 26, 11, 29, tzinfo=CHINA))
    live_hall.server.appointments.tick()
    assert statuses(live_hall, "2026-11-26") == ["booked"]
    live_hall.clock.set(datetime(2026, 11, 26, 11, 31, tzinfo=CHINA))
    live_hall.server.appointments.tick()
    assert statuses(live_hall, "2026-11-26") == ["no_show"]


def test_three_no_shows_in_thirty_days_stop_online_booking_but_not_the_hotline(live_hall):
    for slot in ("2026-11-27T09:00", "2026-11-27T10:00", "2026-11-27T11:00"):
        assert web_booking(live_hall, slot).status_code == 201
    live_hall.clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=CHINA))  # none of them came
    refused = web_booking(live_hall, "2026-11-30T10:00")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "booking_blocked_no_shows"
    assert "爽约" in refused.json()["error"]["message"] and "3次" in refused.json()["error"]["message"]
    assert statuses(live_hall, "2026-11-27") == ["no_show"] * 3
    hotline = live_hall.client("supervisor").post(
        "/appointments", json={"resident_name": "赵六", "phone": PHONE, "slot_start": "2026-11-30T10:00"}
    )
    assert hotline.status_code == 201
