"""Migration 0016_guess_hits on both databases: a hall upgraded from 0015 counts code
guesses in the new table, and the migration goes down and up again."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.core.errors import NotFound, TooManyRequests
from hall_server.services.appointments import CODE_TRIES
from tests.support.migrations import downgrade


def test_a_hall_upgraded_from_0015_counts_code_guesses_in_the_database(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        hall_id = server.services.halls.all_ids()[0]
        downgrade(server.db, "0015_booked_appointments_index")
        with server.db.engine.connect() as conn:
            assert "guess_hits" not in inspect(conn).get_table_names()
        server.db.migrate()
        for n in range(CODE_TRIES):
            with pytest.raises(NotFound):
                server.booking_changes.lookup(hall_id, f"{n:06d}", "0000", "addr:203.0.113.1")
        restarted = HallServer(server.db, clock=server.clock)  # a fresh process's memory
        with pytest.raises(TooManyRequests):
            restarted.booking_changes.lookup(hall_id, "999999", "0000", "addr:203.0.113.1")
    finally:
        server.close()
