"""What the API seam gives the pages: the desk's allowed actions, one day's hand-overs, every event
type on request, the event-type list from the server, and a pad kept to its own window."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from hall_server.core.event_types import CALL_TYPES, EVENT_TYPES
from hall_server.services.hall_setup import DEMO_STAFF
from hall_server.storage.event_log import events_after, ticket_history
from hall_server.storage.models import Staff


def test_the_desk_offers_exactly_the_actions_the_called_ticket_allows(live_hall):
    live_hall.client("kiosk").post("/tickets", json={"matter_id": 1})
    clerk = live_hall.client("clerk-2")
    assert sorted(clerk.get("/windows/2/desk").json()["allowed_actions"]) == ["call-next", "pause"]
    clerk.post("/windows/2/call-next")
    assert sorted(clerk.get("/windows/2/desk").json()["allowed_actions"]) == ["recall", "start", "transfer"]


def test_the_hand_over_log_shows_only_the_day_asked_for(live_hall):
    supervisor = live_hall.client("supervisor")
    today = supervisor.get("/shifts").json()
    assert today["date"] == "2026-11-26" and sorted(s["window"] for s in today["shifts"]) == [1, 2, 3]
    assert supervisor.get("/shifts", params={"date": "2026-11-25"}).json()["shifts"] == []


def test_a_malformed_date_is_refused_with_the_expected_form(live_hall):
    r = live_hall.client("supervisor").get("/shifts", params={"date": "26.11.2026"})
    assert r.status_code == 400 and "2026-11-26" in r.json()["error"]["message"]


def _hear(live_hall, ticket_id: int) -> None:
    """The announcer's part: report each call and recall of the ticket as said (POST /announcements)."""
    board = live_hall.client("board")
    with live_hall.server.db.read() as conn:
        calls = [e.id for e in ticket_history(conn, ticket_id) if e.type in CALL_TYPES]
    for event_id in calls:
        board.post("/announcements", json={"event_id": event_id}).raise_for_status()


def test_events_of_every_type_are_streamed_on_request(live_hall):
    # One event of every type, each through its real route: numbers' rounds (issued, called, heard,
    # recalled, 过号, started, held, resumed, finished, transferred, cancelled), a rating with its link
    # replaced, its follow-up and appeal, a case, a device's state, calendar changes and bookings
    # released or cancelled by one; the windows' and the hall's state come from setup.
    kiosk, clerk, supervisor = (live_hall.client(r) for r in ("kiosk", "clerk-2", "supervisor"))
    tickets = [kiosk.post("/tickets", json={"matter_id": 1}).json() for _ in range(4)]
    absent = clerk.post("/windows/2/call-next").json()["ticket"]
    clerk.post("/windows/2/recall").raise_for_status()
    _hear(live_hall, absent["id"])
    live_hall.clock.advance(
        seconds=live_hall.server.services.halls.get(live_hall.hall_id).config.announcer.no_show_wait_seconds
    )
    clerk.post("/windows/2/no-show").raise_for_status()
    clerk.post("/windows/2/call-next").raise_for_status()
    for action in ("start", "hold", "resume", "finish"):
        clerk.post(f"/windows/2/{action}", json={}).raise_for_status()
    served = tickets[1]["id"]
    # The pad offers a link to rate later; the slip's holder asks for a new one (a lost page).
    live_hall.client("pad-2").post("/ratings/links", json={"ticket_id": served}).raise_for_status()
    again = {"ticket_id": served, "key": tickets[1]["public_key"], "replace": True}
    httpx.post(live_hall.base_url + "/api/v1/ratings/links", json=again, timeout=10).raise_for_status()
    rated = live_hall.client("pad-2").post("/pads/2/rating", json={"ticket_id": served, "level": 1, "tags": []})
    rated.raise_for_status()
    # The clerk who served asks to strike it (a person's log-in, as the terminal has after 登录).
    with live_hall.server.db.read() as conn:
        staff_id = conn.execute(select(Staff.id).where(Staff.staff_no == DEMO_STAFF[1][0])).scalar_one()
    tokens = live_hall.server.tokens
    live_hall.tokens["person-2"] = tokens.create(live_hall.hall_id, "clerk", 2, label="test person", staff_id=staff_id)
    appeal = {"kind": "mistaken", "reason": "群众误触差评"}
    live_hall.client("person-2").post(f"/ratings/{rated.json()['rating']['id']}/appeal", json=appeal).raise_for_status()
    matters = {m["code"]: m for m in clerk.get("/matters").json()["matters"]}
    clerk.post("/cases", json={"matter_id": matters["MZ003"]["id"], "applicant_name": "张三"}).raise_for_status()
    clerk.post("/windows/2/call-next").raise_for_status()
    clerk.post("/windows/2/transfer", json={"to": "line"}).raise_for_status()
    supervisor.post(f"/tickets/{tickets[-1]['id']}/cancel", json={"reason": "群众自行离开"}).raise_for_status()
    kiosk.post(
        "/devices/status", json={"device": "kiosk-1/printer", "kind": "printer", "state": "ok"}
    ).raise_for_status()
    supervisor.put("/calendar/overrides/2027-01-01", json={"kind": "holiday", "note": "元旦"}).raise_for_status()
    # Two bookings for Friday: one released as hoarding, the other cancelled by making Friday a holiday.
    codes = []
    for hhmm, phone in (("10:00", "13955500001"), ("14:00", "13955500002")):
        body = {"resident_name": "王小明", "phone": phone, "slot_start": f"2026-11-27T{hhmm}", "matter_id": 1}
        booked = supervisor.post("/appointments", json=body)
        booked.raise_for_status()
        codes.append(booked.json()["code"])
    supervisor.post("/appointments/release", json={"codes": codes[:1]}).raise_for_status()
    friday = {"kind": "holiday", "note": "停电", "affected_bookings": "cancel_and_notify"}
    supervisor.put("/calendar/overrides/2026-11-27", json=friday).raise_for_status()
    with live_hall.server.db.read() as conn:
        stored = [(e.id, e.type) for e in events_after(conn, 0, hall_id=live_hall.hall_id)]
    # A staff stream carries every type (public devices get their whitelist: hall_server/events/visibility.py).
    streamed = []
    with live_hall.client("supervisor").stream("GET", "/events", params={"types": "*", "last_event_id": 0}) as r:
        assert r.status_code == 200
        event_id = None
        for line in r.iter_lines():
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("event: "):
                streamed.append((event_id, line[7:]))
            if len(streamed) == len(stored):
                break
    assert streamed == stored
    assert {t for _, t in streamed} == set(EVENT_TYPES)  # a new type needs its event made above


def test_an_unknown_event_type_is_refused_listing_the_valid_ones(live_hall):
    r = live_hall.client("kiosk").get("/events", params={"types": "ticket.called,ticket.teleported"})
    assert r.status_code == 400 and "ticket.teleported" in r.json()["error"]["message"]
    assert "ticket.called" in r.json()["error"]["message"]


def test_a_pad_cannot_follow_another_windows_events(live_hall):
    r = live_hall.client("pad-2").get("/events", params={"window": 1})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_window"
    assert re.search(r"[\u4e00-\u9fff]", r.json()["error"]["message"])


def test_pages_get_the_event_types_from_the_server(live_hall):
    assert live_hall.client("board").get("/hall").json()["event_types"] == list(EVENT_TYPES)


def test_health_reports_the_database_reachable(live_hall):
    import httpx

    r = httpx.get(live_hall.base_url + "/api/v1/health")
    assert r.status_code == 200 and r.json()["database"] == "ok" and r.json()["backend"] == "sqlite"
