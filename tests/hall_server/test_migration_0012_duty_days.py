"""Migration 0012_duty_days on both databases: going back to 0011 drops the duty days (older code
knows only workday/holiday and would refuse to load them) and keeps every other entry; going up
again lets the supervisor enter them anew."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.access import Principal
from hall_server.storage.models import CalendarOverride
from tests.support.migrations import downgrade


def test_going_back_to_0011_drops_only_the_duty_days_and_up_again_works(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        hall_id = server.services.halls.all_ids()[0]
        supervisor = Principal(hall_id, "supervisor", "test supervisor")
        overview = server.overview
        overview.set_override(supervisor, date(2027, 2, 8), "holiday", "春节")
        overview.set_override(supervisor, date(2026, 11, 29), "duty", "值班", hours=["09:00-11:30"], windows=[1])
        downgrade(server.db, "0011_appointments")
        with server.db.read() as conn:
            rows = conn.execute(select(CalendarOverride.__table__.c.day, CalendarOverride.__table__.c.kind)).all()
        assert [(r.day, r.kind) for r in rows] == [(date(2027, 2, 8), "holiday")]
        server.db.migrate()
        server.services.halls.invalidate(hall_id)
        again = overview.set_override(supervisor, date(2026, 11, 29), "duty", "", hours=["09:00-11:30"], windows=[1])
        assert again["duty_day"]["hours"] == ["09:00-11:30"]
    finally:
        server.close()
