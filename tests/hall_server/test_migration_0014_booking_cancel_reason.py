"""Migration 0014_booking_cancel_reason on both databases: bookings from before it keep their
status with no reason, and it goes down and up again."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.storage.models import Appointment
from tests.support.migrations import downgrade


def test_bookings_from_before_the_migration_keep_their_status_and_have_no_cancel_reason(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        hall_id = server.services.halls.all_ids()[0]
        downgrade(server.db, "0013_account_language")
        with server.db.engine.connect() as conn:
            assert "cancel_reason" not in {c["name"] for c in inspect(conn).get_columns("appointments")}
        with server.db.engine.begin() as conn:  # a booking made before the column existed
            conn.execute(
                text(
                    "INSERT INTO appointments (hall_id, code, resident_name, channel, slot_start, slot_end, status,"
                    " created_at) VALUES (:hall, '123456', '王小明', 'web', :start, :end, 'booked', :start)"
                ),
                {"hall": hall_id, "start": "2026-11-27 02:00:00", "end": "2026-11-27 02:30:00"},
            )
        server.db.migrate()
        with server.db.read() as conn:
            row = conn.execute(select(Appointment.status, Appointment.cancel_reason)).one()
        assert tuple(row) == ("booked", None)
    finally:
        server.close()
