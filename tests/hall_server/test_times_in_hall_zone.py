"""Every time the API gives is in the hall's zone (+08:00 for the pilot hall), as on the tickets."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx


def test_ticket_history_and_sign_ins_carry_the_halls_offset(live_hall):
    ticket = live_hall.client("kiosk").post("/tickets", json={}).json()
    clerk = live_hall.client("clerk-1")
    clerk.post("/windows/1/call-next")
    clerk.post("/windows/1/start")
    clerk.post("/windows/1/finish")
    sup = live_hall.client("supervisor")
    steps = sup.get(f"/tickets/{ticket['id']}/history").json()["steps"]
    assert steps and all(s["at"].endswith("+08:00") for s in steps)
    window = next(w for w in sup.get("/windows").json()["windows"] if w["number"] == 1)
    assert window["staff"]["signed_in_at"].endswith("+08:00")


def test_device_reports_carry_the_halls_offset(live_hall):
    kiosk = live_hall.client("kiosk")
    told = kiosk.post("/devices/status", json={"device": "kiosk-1/printer", "kind": "printer", "state": "ok"})
    assert told.status_code == 200, told.text
    assert told.json()["reported_at"].endswith("+08:00")
    listed = live_hall.client("supervisor").get("/devices").json()["devices"]
    assert listed and all(d["reported_at"].endswith("+08:00") for d in listed)


def test_health_gives_the_time_in_the_halls_zone_when_the_clock_runs_in_utc(live_hall):
    # The real clock (SystemClock) gives UTC; 02:00 UTC is 10:00 in the hall.
    live_hall.clock.set(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    r = httpx.get(live_hall.base_url + "/api/v1/health")
    assert r.status_code == 200 and r.json()["time"] == "2026-11-26T10:00:00+08:00"
