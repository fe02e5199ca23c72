"""The hall's files hold residents' names, phones and ID hashes: only their owner reads them
(0600; a group bit the operator set, 0640, is kept), however the process's umask is set."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.ticketing import IssueRequest
from hall_server.storage.backup import backup
from hall_server.storage.database import sqlite_url


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the common default, which makes new files 0644
    yield
    os.umask(old)


def issue_one(data: Path) -> None:
    server = HallServer.open(sqlite_url(data), clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        from hall_server.services.access import Principal

        kiosk = Principal(server.services.halls.all_ids()[0], "kiosk", "test kiosk")
        server.tickets.issue(kiosk, IssueRequest(matter_id=1))
        files = {p.name: mode(p) for p in data.iterdir() if p.name.startswith("yichuang.db")}
        assert {"yichuang.db", "yichuang.db-wal", "yichuang.db-shm"} <= set(files)  # seen while open
        assert files == dict.fromkeys(files, 0o600)
    finally:
        server.close()


def test_database_wal_shm_key_and_backups_are_the_owners_only(tmp_path, open_umask):
    data = tmp_path / "data"
    issue_one(data)
    assert mode(data / "id-hash.key") == 0o600
    written = backup(sqlite_url(data), data / "backups", parse_local_time("2026-11-26 19:00"))
    assert mode(written) == 0o600
    assert mode(data / "backups") & 0o077 == 0


def test_files_of_an_earlier_version_are_tightened_and_a_service_group_keeps_its_read(tmp_path, open_umask):
    data = tmp_path / "data"
    issue_one(data)
    os.chmod(data / "yichuang.db", 0o644)  # as earlier versions left it
    service_group = next(g for g in (os.getgid() + 1, 1, 2) if g != os.getgid())
    try:
        os.chown(data / "id-hash.key", -1, service_group)  # the operator gave it to a service group
    except PermissionError:
        pytest.skip("changing a file's group needs a group this user is in")
    os.chmod(data / "id-hash.key", 0o640)
    issue_one(data)
    assert mode(data / "yichuang.db") == 0o600  # others lost their read
    assert mode(data / "id-hash.key") == 0o640
