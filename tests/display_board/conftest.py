"""Fixtures for the lobby board, announcer and LED bar tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.live_server import LiveHall
from tests.support.serial_pty import PtyPair

from .restartable_server import RestartableHttp


@pytest.fixture
def restartable_hall(live_hall: LiveHall) -> tuple[LiveHall, RestartableHttp]:
    """live_hall, with its HTTP side swapped for one that can be cut and restored on the same port."""
    app = live_hall._http.app
    port = int(live_hall.base_url.rsplit(":", 1)[1])
    live_hall._http.shutdown()
    live_hall._http.server_close()
    live_hall._thread.join(timeout=5)
    http = RestartableHttp(app, port).start()
    live_hall._http, live_hall._thread = http, http
    return live_hall, http


@pytest.fixture
def pty_pair(tmp_path: Path):
    pair = PtyPair(tmp_path)
    pair.plug()
    yield pair
    pair.unplug()
