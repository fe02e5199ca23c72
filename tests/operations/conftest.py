"""A hall with two generated months of history (see fixture_months.py), built once per module."""

from __future__ import annotations

import pytest

from hall_server.core.clock import parse_local_time
from tests.support.live_server import start_live_hall

from .fixture_months import build


@pytest.fixture(scope="module")
def history_hall(tmp_path_factory):
    """The pilot hall on SQLite with 240 tickets in September and October 2026 and two tickets
    today (Thursday 2026-11-26, 10:00); nothing rolled up unless a test asks."""
    url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'hall.db'}"
    hall = start_live_hall(url, "2026-09-01 08:30")
    hall.plan, hall.cases = build(hall)
    hall.clock.set(parse_local_time("2026-11-26 10:00"))
    hall.tokens["county"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="县数据局")
    yield hall
    hall.stop()
