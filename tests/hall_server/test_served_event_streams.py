"""Event streams as `yichuang serve` runs them (on the worker's event loop): replay, live, heartbeats, filters."""

import httpx
import pytest

from tests.support.served_hall import served_hall, stop
from tests.support.sse_client import start_reader


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    proc, port, tokens = served_hall("sqlite", tmp_path_factory.mktemp("served"), "--heartbeat", "1")
    base = f"http://127.0.0.1:{port}/api/v1"
    yield base, tokens
    stop(proc)


def post(base, tokens, role, path, **kw):
    r = httpx.post(base + path, headers={"Authorization": f"Bearer {tokens[role]}"}, timeout=5, **kw)
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_reconnect_with_last_event_id_replays_the_missed_events_then_goes_live_without_duplicates(hall):
    base, tokens = hall
    first, halt, _ = start_reader(base + "/events", tokens["board"], params={"types": "ticket.issued"})
    post(base, tokens, "kiosk", "/tickets", json={"matter_id": 1, "accept_late_risk": True})
    assert first.wait_for(lambda ev: len(ev) == 1)
    halt.set()
    seen = first.events[-1]["id"]
    missed = [
        post(base, tokens, "kiosk", "/tickets", json={"matter_id": 1, "accept_late_risk": True})["number"]
        for _ in range(4)
    ]
    again, halt2, _ = start_reader(
        base + "/events", tokens["board"], last_event_id=seen, params={"types": "ticket.issued"}
    )
    assert again.wait_for(lambda ev: len(ev) >= 4)
    live = post(base, tokens, "kiosk", "/tickets", json={"matter_id": 1, "accept_late_risk": True})["number"]
    # A stream delivers in order: once a later ticket is in, a duplicate of the replayed or the
    # live ones would have come before it.
    later = post(base, tokens, "kiosk", "/tickets", json={"matter_id": 1, "accept_late_risk": True})["number"]
    assert again.wait_for(lambda ev: any(e["data"]["ticket"]["number"] == later for e in ev))
    halt2.set()
    assert [e["data"]["ticket"]["number"] for e in again.events] == missed + [live, later]
    ids = [e["id"] for e in again.events]
    assert ids == sorted(set(ids)) and ids[0] > seen


def test_an_idle_stream_gets_a_keep_alive_comment_every_heartbeat(hall):
    base, tokens = hall
    with httpx.stream(
        "GET",
        base + "/events",
        headers={"Authorization": f"Bearer {tokens['board']}"},
        params={"types": "case.changed"},
        timeout=httpx.Timeout(5, read=15),
    ) as r:
        # No event of that type comes; the read timeout fails the test if the comments do not
        # (15 s, not a little over the 1 s heartbeat: a loaded box may stall the server for seconds).
        comments = 0
        for line in r.iter_lines():
            comments += line.startswith(": keep-alive")
            if comments == 2:
                break
    assert comments == 2


def test_a_pad_hears_only_its_own_windows_calls(hall):
    base, tokens = hall
    got, halt, _ = start_reader(base + "/events", tokens["pad-2"], params={"types": "ticket.called"})
    for _ in range(2):
        post(base, tokens, "kiosk", "/tickets", json={"matter_id": 1, "accept_late_risk": True})
    post(base, tokens, "clerk-1", "/windows/1/call-next")
    post(base, tokens, "clerk-2", "/windows/2/call-next")
    # Window 1's call went out first and a stream delivers in order: had the pad been sent it,
    # it would be in before window 2's.
    assert got.wait_for(lambda ev: len(ev) >= 1)
    halt.set()
    assert [e["data"]["window"] for e in got.events] == [2]
