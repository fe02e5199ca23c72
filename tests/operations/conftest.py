"""A hall with two generated months of history (see fixture_months.py), built once per module."""

from __future__ import annotations

import pytest

from hall_server.core.clock import parse_local_time
from tests.conftest import _pg_available, _pg_state, throwaway_pg_database
from tests.support.live_server import start_live_hall

from .fixture_months import build


def _history(url: str):
    hall = start_live_hall(url, "2026-09-01 08:30")
    hall.plan, hall.cases = build(hall)
    hall.clock.set(parse_local_time("2026-11-26 10:00"))
    hall.tokens["county"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="县数据局")
    return hall


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def history_hall(request, tmp_path_factory):
    """The pilot hall with 240 tickets in September and October 2026, at Thursday 2026-11-26
    10:00, on each backend; closed days are rolled up only when a test (or the ticker) does it."""
    if request.param == "sqlite":
        hall = _history(f"sqlite:///{tmp_path_factory.mktemp('history') / 'hall.db'}")
        yield hall
        hall.stop()
        return
    if not _pg_available():
        pytest.skip(f"PostgreSQL not available: {_pg_state.get('why')}")
    with throwaway_pg_database() as url:
        hall = _history(url)
        yield hall
        hall.stop()


@pytest.fixture(scope="module")
def history_sqlite(tmp_path_factory):
    """The same history on SQLite only: for the pages and documents, whose backend does not matter."""
    hall = _history(f"sqlite:///{tmp_path_factory.mktemp('history') / 'hall.db'}")
    yield hall
    hall.stop()
