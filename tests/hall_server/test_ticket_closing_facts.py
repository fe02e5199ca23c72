"""A ticket says when walk-ins end today and which windows still serve when it is expected: the
slip and the phone page name only those (the pilot hall's windows 2 and 3 close at 17:30)."""

from __future__ import annotations

from hall_server.core.clock import parse_local_time


def test_a_late_walk_in_is_sent_only_to_the_window_still_open_when_it_is_expected(live_hall):
    live_hall.clock.set(parse_local_time("2026-11-26 17:22"))
    kiosk = live_hall.client("kiosk")
    first = kiosk.post("/tickets", json={"matter_id": 1}).json()
    assert first["serving_windows"] == [1, 2, 3]  # starts at once, before 17:30
    for _ in range(3):
        kiosk.post("/tickets", json={"matter_id": 1}).raise_for_status()
    late = kiosk.post("/tickets", json={"matter_id": 1, "accept_late_risk": True}).json()
    assert late["late_risk_accepted"] is True
    assert late["serving_windows"] == [1] and late["closes_at"] == "2026-11-26T18:30:00+08:00"
    again = live_hall.client("kiosk").get(f"/tickets/{late['id']}").json()  # what the phone page reads
    assert again["late_risk_accepted"] is True and again["serving_windows"] == [1]
