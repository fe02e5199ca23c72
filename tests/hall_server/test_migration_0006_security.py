"""Migration 0006_security on both databases: cases opened before it get a query code, and it
goes down and up again without losing a case."""

from __future__ import annotations

from sqlalchemy import select

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.access import Principal
from hall_server.services.case_requests import OpenCase
from hall_server.storage.case_models import Case
from tests.support.migrations import downgrade


def test_cases_from_before_the_migration_get_a_query_code(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        hall_id = server.services.halls.all_ids()[0]
        clerk = Principal(hall_id, "clerk", "test clerk 1", 1)
        case = server.case_intake.open(clerk, OpenCase(matter_id=1, applicant_name="张小三"))
        downgrade(server.db, "0005")
        server.db.migrate()
        with server.db.read() as conn:
            row = conn.execute(select(Case.__table__).where(Case.__table__.c.case_no == case["case_no"])).first()
        assert row.applicant_name == "张小三"
        assert row.query_code is not None and len(row.query_code) == 6 and row.query_code.isdigit()
    finally:
        server.close()
