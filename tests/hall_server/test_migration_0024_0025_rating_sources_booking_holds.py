"""Migrations 0024_rating_sources and 0025_booking_confirmation on both databases: tickets and
ratings from before keep counting as before (issued by no recorded role, not assisted), bookings
from before stay booked with nothing held, and both go down and up again."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.storage.models import Appointment, Rating, Ticket
from tests.support.migrations import downgrade


def test_rows_from_before_the_migrations_keep_counting_as_before(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        hall_id = server.services.halls.all_ids()[0]
        downgrade(server.db, "0018_call_announcements")
        with server.db.engine.connect() as conn:
            assert "issued_by_role" not in {c["name"] for c in inspect(conn).get_columns("tickets")}
            assert "hold_expires_at" not in {c["name"] for c in inspect(conn).get_columns("appointments")}
        with server.db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO tickets (hall_id, service_date, number, channel, state, call_count, issued_at,"
                    " queued_at, finished_at, late_risk_accepted, public_key) VALUES (:hall, '2026-11-26', 'A001',"
                    " 'walk_in', 'finished', 1, :at, :at, :at, false, 'k1')"
                ),
                {"hall": hall_id, "at": "2026-11-26 02:00:00"},
            )
            ticket_id = conn.execute(text("SELECT id FROM tickets")).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO ratings (hall_id, ticket_id, level, tags_json, channel, rated_at, defaulted, counted)"
                    " VALUES (:hall, :ticket, 5, '[]', 'pad', :at, false, true)"
                ),
                {"hall": hall_id, "ticket": ticket_id, "at": "2026-11-26 02:01:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO appointments (hall_id, code, resident_name, channel, slot_start, slot_end, status,"
                    " created_at) VALUES (:hall, '123456', '王小明', 'web', :start, :end, 'booked', :start)"
                ),
                {"hall": hall_id, "start": "2026-11-27 02:00:00", "end": "2026-11-27 02:30:00"},
            )
        server.db.migrate()
        with server.db.read() as conn:
            assert conn.execute(select(Ticket.issued_by_role)).scalar_one() == ""
            assert conn.execute(select(Rating.assisted)).scalar_one() is False
            booking = conn.execute(
                select(Appointment.status, Appointment.hold_expires_at, Appointment.confirm_tries)
            ).one()
        assert tuple(booking) == ("booked", None, 0)
        downgrade(server.db, "0018_call_announcements")
        server.db.migrate()
    finally:
        server.close()
