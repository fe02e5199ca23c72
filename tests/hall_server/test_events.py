"""The live event stream: delivery, filters, and replay after a disconnect."""

from tests.support.sse_client import start_reader


def events_url(hall):
    return hall.base_url + "/api/v1/events"


def test_board_receives_issue_and_call_with_the_announcement_text(live_hall_any):
    hall = live_hall_any
    got, stop, _ = start_reader(events_url(hall), hall.tokens["board"])
    hall.client("kiosk").post("/tickets", json={"matter_id": 1})
    hall.client("clerk-3").post("/windows/3/call-next")
    assert got.wait_for(lambda ev: any(e["type"] == "ticket.called" for e in ev))
    called = next(e for e in got.events if e["type"] == "ticket.called")
    assert called["data"]["text"] == "请A001号到3号窗口办理" and called["data"]["window"] == 3
    assert [e["type"] for e in got.events][:2] == ["ticket.issued", "ticket.called"]
    stop.set()


def test_reconnect_with_last_event_id_gets_exactly_the_missed_events_in_order(live_hall_any):
    hall = live_hall_any
    kiosk, clerk = hall.client("kiosk"), hall.client("clerk-1")
    got, stop, _ = start_reader(events_url(hall), hall.tokens["board"])
    kiosk.post("/tickets", json={"matter_id": 1})
    assert got.wait_for(lambda ev: len(ev) == 1)
    stop.set()
    seen = got.events[-1]["id"]
    # While the board is away: 5 more tickets and a call.
    for _ in range(5):
        kiosk.post("/tickets", json={"matter_id": 1})
    clerk.post("/windows/1/call-next")
    again, stop2, _ = start_reader(events_url(hall), hall.tokens["board"], last_event_id=seen)
    assert again.wait_for(lambda ev: len(ev) >= 6)
    kiosk.post("/tickets", json={"matter_id": 1})  # and one live event after the replay
    assert again.wait_for(lambda ev: len(ev) >= 7)
    ids = [e["id"] for e in again.events]
    assert ids == sorted(set(ids)) and min(ids) > seen
    assert [e["type"] for e in again.events] == ["ticket.issued"] * 5 + ["ticket.called", "ticket.issued"]
    stop2.set()


def test_window_filter_hides_other_windows_calls(live_hall):
    got, stop, _ = start_reader(events_url(live_hall), live_hall.tokens["pad-2"])
    kiosk = live_hall.client("kiosk")
    kiosk.post("/tickets", json={"matter_id": 1})
    kiosk.post("/tickets", json={"matter_id": 1})
    live_hall.client("clerk-1").post("/windows/1/call-next")
    live_hall.client("clerk-2").post("/windows/2/call-next")
    assert got.wait_for(lambda ev: any(e["type"] == "ticket.called" for e in ev))
    assert {e["data"]["window"] for e in got.events if e["type"] == "ticket.called"} == {2}
    stop.set()


def test_unknown_event_type_filter_is_a_clear_400(live_hall):
    r = live_hall.client("board").get("/events", params={"types": "ticket.teleported"})
    assert r.status_code == 400 and "ticket.teleported" in r.json()["error"]["message"]


def test_hall_status_event_when_the_hall_closes_for_lunch(live_hall):
    from datetime import datetime

    from hall_server.core.clock import CHINA

    got, stop, _ = start_reader(events_url(live_hall), live_hall.tokens["board"], params={"types": "hall.status"})
    live_hall.server.overview.tick()
    live_hall.clock.set(datetime(2026, 11, 26, 12, 0, 5, tzinfo=CHINA))
    live_hall.server.overview.tick()
    assert got.wait_for(lambda ev: any(e["data"]["hall_status"]["state"] == "appointment_only" for e in ev))
    stop.set()


def test_every_ticket_event_carries_the_number_still_waiting(live_hall):
    got, stop, _ = start_reader(events_url(live_hall), live_hall.tokens["board"])
    kiosk = live_hall.client("kiosk")
    for _ in range(3):
        kiosk.post("/tickets", json={"matter_id": 1})
    live_hall.client("clerk-1").post("/windows/1/call-next")
    assert got.wait_for(lambda ev: any(e["type"] == "ticket.called" for e in ev))
    assert [e["data"]["waiting"] for e in got.events] == [1, 2, 3, 2]
    stop.set()


def test_priority_ticket_event_counts_the_whole_line_not_just_those_ahead(live_hall):
    got, stop, _ = start_reader(events_url(live_hall), live_hall.tokens["board"])
    kiosk = live_hall.client("kiosk")
    kiosk.post("/tickets", json={"matter_id": 1})
    kiosk.post("/tickets", json={"priority_group": "elderly"})
    assert got.wait_for(lambda ev: len(ev) == 2)
    assert [e["data"]["waiting"] for e in got.events] == [1, 2]
    stop.set()


def test_a_pad_token_is_refused_on_another_windows_events(live_hall):
    r = live_hall.client("pad-1").get("/events", params={"window": 2})
    assert r.status_code == 403 and "1号" in r.json()["error"]["message"]
