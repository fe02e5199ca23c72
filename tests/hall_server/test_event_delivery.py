"""Events committed here are handed to subscribers at commit; another process's events in
between are read from the database, and subscribers still see every event once, in id order."""

from __future__ import annotations

import queue

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.access import Principal
from hall_server.services.event_log import append_event
from hall_server.services.hall_setup import DEMO_STAFF, add_staff
from hall_server.services.ticketing import IssueRequest


def _drain(sub, count: int) -> list:
    got = []
    while len(got) < count:
        got.append(sub.queue.get(timeout=10))
    return got


def _rest(sub, wait: float = 0.3) -> list:
    got = []
    try:
        while True:
            got.append(sub.queue.get(timeout=wait))
    except queue.Empty:
        return got


def test_subscriber_sees_own_and_other_process_events_once_in_order(database_url):
    clock = FakeClock(parse_local_time("2026-11-26 10:00"))
    here = HallServer.open(database_url, clock=clock, poll_seconds=0.05)
    # A second server on the same database stands for another process (its events never
    # reach this one's broker except through the database).
    other = HallServer.open(database_url, clock=clock, poll_seconds=0.05)
    try:
        here.start_background()
        hall_id = here.services.halls.all_ids()[0]
        kiosk = Principal(hall_id, "kiosk", "test kiosk")
        sub, _ = here.broker.subscribe(hall_id, types=frozenset({"ticket.issued"}))
        numbers = []
        for i in range(12):
            server = here if i % 3 else other  # every third ticket comes from the other process
            numbers.append(server.tickets.issue(kiosk, IssueRequest(matter_id=1))["number"])
        events = _drain(sub, 12)
        assert [e.data["ticket"]["number"] for e in events] == numbers
        assert [e.id for e in events] == sorted(e.id for e in events)
        assert _rest(sub) == []  # nothing twice
    finally:
        here.close()
        other.close()


def test_a_local_event_waits_for_the_other_process_event_before_it(database_url):
    clock = FakeClock(parse_local_time("2026-11-26 10:00"))
    here = HallServer.open(database_url, clock=clock, poll_seconds=60)  # no polling: only wake-ups
    other = HallServer.open(database_url, clock=clock)
    try:
        here.start_background()
        hall_id = here.services.halls.all_ids()[0]
        add_staff(here.services, hall_id, *DEMO_STAFF[0])
        kiosk = Principal(hall_id, "kiosk", "test kiosk")
        sub, _ = here.broker.subscribe(hall_id, types=frozenset({"ticket.issued"}))
        first = other.tickets.issue(kiosk, IssueRequest(matter_id=1))["number"]
        second = here.tickets.issue(kiosk, IssueRequest(matter_id=1))["number"]
        # The local ticket's event follows a gap (the other process's event): the broker reads
        # that one from the database instead of sending its own out of order.
        assert [e.data["ticket"]["number"] for e in _drain(sub, 2)] == [first, second]
    finally:
        here.close()
        other.close()


def test_a_rolled_back_transaction_sends_nothing(database_url):
    clock = FakeClock(parse_local_time("2026-11-26 10:00"))
    server = HallServer.open(database_url, clock=clock)
    try:
        server.start_background()
        hall_id = server.services.halls.all_ids()[0]
        sub, _ = server.broker.subscribe(hall_id)
        try:
            with server.db.write() as conn:
                append_event(server.db, conn, hall_id, "hall.status", clock.now(), {"aborted": True})
                raise RuntimeError("abort the transaction")
        except RuntimeError:
            pass
        kiosk = Principal(hall_id, "kiosk", "test kiosk")
        number = server.tickets.issue(kiosk, IssueRequest(matter_id=1))["number"]
        events = _rest(sub, wait=1.0)
        assert [e.data["ticket"]["number"] for e in events if e.type == "ticket.issued"] == [number]
        assert not [e for e in events if e.data.get("aborted")]
    finally:
        server.close()
