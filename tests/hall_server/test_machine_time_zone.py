"""Hall servers in China run on machines set to China time: stored times must not depend on it."""

from __future__ import annotations

import time

import pytest

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.access import Principal
from hall_server.services.hall_setup import DEMO_STAFF, add_staff
from hall_server.services.ticketing import IssueRequest


@pytest.fixture
def machine_in_china_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_ticket_issued_at_10_and_called_at_1005_waited_five_minutes(machine_in_china_time, database_url):
    clock = FakeClock(parse_local_time("2026-11-26 10:00"))
    server = HallServer.open(database_url, clock=clock)
    try:
        hall_id = server.services.halls.all_ids()[0]
        add_staff(server.services, hall_id, *DEMO_STAFF[0])
        clerk = Principal(hall_id, "clerk", "test clerk", 1)
        server.windows.sign_in(Principal(hall_id, "supervisor", "setup"), 1, DEMO_STAFF[0][0], "A")
        ticket = server.tickets.issue(Principal(hall_id, "kiosk", "test kiosk"), IssueRequest(matter_id=1))
        clock.advance(minutes=5)
        server.windows.call_next(clerk, 1)
        stored = server.tickets.get(clerk, ticket["id"])
        assert stored["issued_at"] == "2026-11-26T10:00:00+08:00"
        assert stored["called_at"] == "2026-11-26T10:05:00+08:00"
        assert server.windows.history(clerk, ticket["id"])["durations"]["waited_seconds"] == 300
    finally:
        server.close()
