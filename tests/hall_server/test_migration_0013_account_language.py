"""Migration 0013_account_language on both databases: accounts from before it speak Chinese, a
language outside the catalog's is refused by the database itself, and it goes down and up again."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.hall_setup import add_staff
from hall_server.storage.models import Staff
from tests.support.migrations import downgrade


def test_accounts_from_before_the_migration_are_chinese_and_only_known_languages_are_stored(database_url):
    server = HallServer.open(database_url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        hall_id = server.services.halls.all_ids()[0]
        downgrade(server.db, "0012_duty_days")
        with server.db.engine.begin() as conn:  # an account made before the column existed
            conn.execute(
                text(
                    "INSERT INTO staff (hall_id, staff_no, name, role, active) VALUES (:hall, 'BZY050', '老张', 'clerk', :on)"
                ),
                {"hall": hall_id, "on": True},
            )
        server.db.migrate()
        with server.db.read() as conn:
            language = conn.execute(select(Staff.language).where(Staff.staff_no == "BZY050")).scalar_one()
        assert language == "zh_CN"
        add_staff(server.services, hall_id, "BZY051", "小李")
        with pytest.raises(IntegrityError), server.db.write() as conn:
            conn.execute(update(Staff).where(Staff.staff_no == "BZY051").values(language="fr"))
    finally:
        server.close()
