"""Every time the API gives is in the hall's zone (+08:00 for the pilot hall), as on the tickets."""

from __future__ import annotations


def test_ticket_history_and_sign_ins_carry_the_halls_offset(live_hall):
    ticket = live_hall.client("kiosk").post("/tickets", json={}).json()
    clerk = live_hall.client("clerk-1")
    clerk.post("/windows/1/call-next")
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
