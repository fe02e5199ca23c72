"""ID numbers are hashed with a secret kept outside the database; migration 0007 re-keys old rows."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from sqlalchemy import text

from hall_server.app_services import HallServer
from hall_server.core.clock import CHINA, FakeClock
from hall_server.core.hall_config import pilot_hall_config
from hall_server.core.identity import id_number_hash
from hall_server.services.access import Principal
from hall_server.services.ticketing import IssueRequest
from hall_server.storage.database import Database
from hall_server.storage.id_secret import SecretFileError, load_or_create_secret
from hall_server.storage.models import Appointment

ID_NUMBER = "34152219800101000X"


def unkeyed(hall_code: str, id_number: str) -> str:
    """The hash as versions before 0007 stored it."""
    return hashlib.sha256(f"yichuang:{hall_code}:{id_number}".encode()).hexdigest()


@pytest.fixture
def old_hall(tmp_path):
    """A hall whose database stopped at 0005, with an appointment booked the old way."""
    db = Database(f"sqlite:///{tmp_path / 'hall.db'}")
    db.migrate(revision="0005")
    server = HallServer(db, clock=FakeClock(datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)))
    hall_id = server.install(pilot_hall_config())
    # Written as the code of that version did (today's model has columns 0005 did not).
    with db.write() as conn:
        conn.execute(
            text(
                "INSERT INTO appointments (hall_id, code, matter_id, resident_name, id_number_hash, id_number_tail,"
                " channel, slot_start, slot_end, status, created_at) VALUES (:hall, '123456', 1, '张小三', :hash,"
                " '000X', 'hotline', '2026-11-26 02:30:00', '2026-11-26 03:00:00', 'booked', '2026-11-26 02:00:00')"
            ),
            {"hall": hall_id, "hash": unkeyed(pilot_hall_config().code, ID_NUMBER)},
        )
    booked = {"code": "123456"}
    yield server, hall_id, booked
    server.close()


def check_in(server: HallServer, hall_id: int) -> dict:
    return server.tickets.issue(Principal(hall_id, "kiosk"), IssueRequest(id_number=ID_NUMBER))


def test_an_appointment_hashed_the_old_way_is_found_by_id_number_after_the_migration(old_hall):
    server, hall_id, _ = old_hall
    with server.db.read() as conn:  # the keyed hash does not match the old row before re-keying
        stored = conn.execute(text("SELECT id_number_hash FROM appointments")).scalar_one()
    assert stored != id_number_hash(server.services.id_secret, pilot_hall_config().code, ID_NUMBER)
    server.db.migrate(server.services.id_secret)
    assert check_in(server, hall_id)["channel"] == "appointment"


def test_the_stored_hash_is_not_the_unkeyed_digest_of_the_id_number(old_hall):
    server, _, _ = old_hall
    server.db.migrate(server.services.id_secret)
    with server.db.read() as conn:
        stored = conn.execute(Appointment.__table__.select()).one().id_number_hash
    assert stored != unkeyed(pilot_hall_config().code, ID_NUMBER)


def test_the_secret_is_created_once_beside_the_sqlite_database_and_kept(tmp_path):
    first = HallServer.open(f"sqlite:///{tmp_path / 'hall.db'}")
    first.close()
    key_file = tmp_path / "id-hash.key"
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the server's user only
    again = HallServer.open(f"sqlite:///{tmp_path / 'hall.db'}")
    assert again.services.id_secret == first.services.id_secret == load_or_create_secret(key_file)
    again.close()


def test_a_damaged_secret_file_is_refused_with_a_chinese_message(tmp_path):
    key_file = tmp_path / "id-hash.key"
    key_file.write_text("not hex")
    with pytest.raises(SecretFileError, match="密钥文件"):
        load_or_create_secret(key_file)


def test_re_keying_rows_without_a_secret_stops_the_upgrade(old_hall):
    server, _, _ = old_hall
    with pytest.raises(RuntimeError, match="--secret-file"):
        server.db.migrate(None)
