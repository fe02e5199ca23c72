"""The open/closed ticker runs every few seconds for every hall: it writes only on a change."""

from __future__ import annotations

import contextlib
from datetime import datetime

import pytest

from hall_server.app_services import HallServer
from hall_server.core.clock import CHINA, FakeClock


@pytest.fixture
def server(tmp_path):
    srv = HallServer.open(
        f"sqlite:///{tmp_path / 'hall.db'}", clock=FakeClock(datetime(2026, 11, 26, 10, tzinfo=CHINA))
    )
    yield srv
    srv.close()


def count_writes(server: HallServer, monkeypatch) -> list[int]:
    writes = [0]
    real_write = server.db.write

    @contextlib.contextmanager
    def counted():
        writes[0] += 1
        with real_write() as conn:
            yield conn

    monkeypatch.setattr(server.db, "write", counted)
    return writes


def test_a_tick_with_nothing_changed_takes_no_write_lock(server, monkeypatch):
    server.overview.tick()  # records the morning's open state
    writes = count_writes(server, monkeypatch)
    assert server.overview.tick() == 0
    assert writes[0] == 0


def test_a_tick_after_the_hall_closes_for_lunch_writes_once(server, monkeypatch):
    server.overview.tick()
    writes = count_writes(server, monkeypatch)
    server.clock.set(datetime(2026, 11, 26, 12, 0, 5, tzinfo=CHINA))
    assert server.overview.tick() == 1 and writes[0] == 1
    assert server.overview.tick() == 0 and writes[0] == 1
