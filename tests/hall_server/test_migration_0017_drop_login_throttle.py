"""Migration 0017_drop_login_throttle on both databases: the unused per-account lock table goes,
and comes back on the way down."""

from __future__ import annotations

from sqlalchemy import inspect

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from tests.support.migrations import downgrade


def tables(server: HallServer) -> list[str]:
    with server.db.engine.connect() as conn:
        return inspect(conn).get_table_names()


def test_the_old_login_lock_table_is_dropped_and_restored_on_downgrade(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        assert "login_throttle" not in tables(server) and "guess_hits" in tables(server)
        downgrade(server.db, "0016_guess_hits")
        assert "login_throttle" in tables(server)
        server.db.migrate()
        assert "login_throttle" not in tables(server)
    finally:
        server.close()
