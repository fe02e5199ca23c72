"""Migration 0018_call_announcements on both databases: a hall upgraded from 0017 records heard calls
once per call event (the unique key is there), and the migration goes down and up again."""

from __future__ import annotations

from sqlalchemy import inspect, select

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.access import Principal
from hall_server.services.hall_setup import add_staff
from hall_server.services.ticketing import IssueRequest
from hall_server.storage.models import Event
from tests.support.migrations import downgrade


def test_a_hall_upgraded_from_0017_counts_each_heard_call_once(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        hall_id = server.services.halls.all_ids()[0]
        downgrade(server.db, "0017_drop_login_throttle")
        with server.db.engine.connect() as conn:
            assert "call_announcements" not in inspect(conn).get_table_names()
        server.db.migrate()
        with server.db.engine.connect() as conn:
            uniques = inspect(conn).get_unique_constraints("call_announcements")
        assert [u["column_names"] for u in uniques] == [["hall_id", "event_id"]]
        server.tickets.issue(Principal(hall_id, "kiosk", "k"), IssueRequest())
        add_staff(server.services, hall_id, "BZY001", "陈晓梅")
        server.windows.sign_in(Principal(hall_id, "supervisor", "s"), 1, "BZY001", "A")
        server.windows.call_next(Principal(hall_id, "clerk", "c", 1), 1)
        with server.db.read() as conn:
            event_id = conn.execute(select(Event.id).where(Event.type == "ticket.called")).scalar_one()
        board = Principal(hall_id, "board", "b")
        first = server.announcements.record(board, event_id, "board-1")
        again = server.announcements.record(board, event_id, "board-2")
        assert (first["recorded"], again["recorded"]) == (True, False)
        assert again["no_show"]["heard"] == 1
    finally:
        server.close()
