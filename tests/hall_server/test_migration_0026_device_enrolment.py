"""Migration 0026_device_enrolment on both databases: a hall upgraded from 0025 keeps its
peripherals' states, enrols a device, and the migration goes down and up again."""

from __future__ import annotations

from sqlalchemy import inspect

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.access import Principal
from tests.support.migrations import downgrade


def test_a_hall_upgraded_from_0025_keeps_its_device_states_and_enrols_a_device(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        hall_id = server.services.halls.all_ids()[0]
        supervisor = Principal(hall_id, "supervisor", "s")
        downgrade(server.db, "0025_booking_confirmation")
        with server.db.engine.connect() as conn:
            assert "device_enrolments" not in inspect(conn).get_table_names()
        server.db.migrate()
        server.devices.report(supervisor, "kiosk-1/printer", "printer", "paper_out")
        downgrade(server.db, "0025_booking_confirmation")
        server.db.migrate()
        assert [d["state"] for d in server.devices.list(supervisor)] == ["paper_out"]
        made = server.enrolment.create_code(supervisor, "kiosk", "大厅1号取号机")
        enrolled = server.enrolment.redeem(hall_id, made["code"], "addr:10.0.0.1")
        assert server.tokens.authenticate(enrolled["token"]) is not None
        assert [d["name"] for d in server.enrolment.fleet(supervisor)] == ["大厅1号取号机"]
    finally:
        server.close()
