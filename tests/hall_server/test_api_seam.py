"""What the API seam gives the pages: the desk's allowed actions, one day's hand-overs, every event
type on request, the event-type list from the server, and a pad kept to its own window."""

from __future__ import annotations

import re

from hall_server.services.event_log import CALL_TYPES, EVENT_TYPES, TICKET_EVENT, events_after, ticket_history


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
    # Events through the real routes: numbers' rounds (issued, called, heard, recalled, 过号, started,
    # held, resumed, finished, transferred, cancelled), a device's state, a calendar change; the
    # windows' and the hall's state come from setup.
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
    clerk.post("/windows/2/call-next").raise_for_status()
    clerk.post("/windows/2/transfer", json={"to": "line"}).raise_for_status()
    supervisor.post(f"/tickets/{tickets[-1]['id']}/cancel", json={"reason": "群众自行离开"}).raise_for_status()
    kiosk.post(
        "/devices/status", json={"device": "kiosk-1/printer", "kind": "printer", "state": "ok"}
    ).raise_for_status()
    supervisor.put("/calendar/overrides/2027-01-01", json={"kind": "holiday", "note": "元旦"}).raise_for_status()
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
    made = set(TICKET_EVENT.values()) | {
        "ticket.announced",
        "window.status",
        "hall.status",
        "device.status",
        "calendar.changed",
    }
    assert made <= {t for _, t in streamed} <= set(EVENT_TYPES)


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
