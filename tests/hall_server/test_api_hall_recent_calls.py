"""GET /hall's recent_calls: today's calls from the event log, for boards rebuilding after a reload."""

from __future__ import annotations

from hall_server.core.clock import parse_local_time


def test_recent_calls_are_todays_calls_newest_first_with_number_and_window_only(live_hall_any):
    live_hall = live_hall_any
    kiosk, clerk1, clerk2 = (live_hall.client(n) for n in ("kiosk", "clerk-1", "clerk-2"))
    for _ in range(3):
        kiosk.post("/tickets", json={}).raise_for_status()
    clerk1.post("/windows/1/call-next").raise_for_status()
    clerk2.post("/windows/2/call-next").raise_for_status()
    clerk1.post("/windows/1/recall").raise_for_status()
    calls = live_hall.client("board").get("/hall").json()["recent_calls"]
    assert [(c["number"], c["window"], c["recall"]) for c in calls] == [
        ("A001", 1, True),
        ("A002", 2, False),
        ("A001", 1, False),
    ]
    assert all(set(c) == {"number", "window", "recall", "at", "still_called"} for c in calls)  # nothing personal
    assert calls[0]["at"].endswith("+08:00")  # the hall's time zone


def test_yesterdays_calls_are_not_recent(live_hall):
    live_hall.client("kiosk").post("/tickets", json={}).raise_for_status()
    live_hall.client("clerk-1").post("/windows/1/call-next").raise_for_status()
    live_hall.clock.set(parse_local_time("2026-11-27 09:30"))
    assert live_hall.client("board").get("/hall").json()["recent_calls"] == []


def test_a_recent_call_says_whether_its_number_is_still_called(live_hall_any):
    # The board keeps a number in its big area only while it is still called (not started, not gone).
    live_hall = live_hall_any
    kiosk, clerk1, clerk2 = (live_hall.client(n) for n in ("kiosk", "clerk-1", "clerk-2"))
    for _ in range(3):
        kiosk.post("/tickets", json={}).raise_for_status()
    clerk1.post("/windows/1/call-next").raise_for_status()
    clerk2.post("/windows/2/call-next").raise_for_status()
    clerk2.post("/windows/2/start").raise_for_status()
    clerk1.post("/windows/1/recall").raise_for_status()
    calls = live_hall.client("board").get("/hall").json()["recent_calls"]
    assert [(c["number"], c["recall"], c["still_called"]) for c in calls] == [
        ("A001", True, True),
        ("A002", False, False),
        ("A001", False, True),
    ]
    clerk1.post("/windows/1/start").raise_for_status()
    calls = live_hall.client("board").get("/hall").json()["recent_calls"]
    assert not any(c["still_called"] for c in calls)
