"""Fixtures for the lobby board, announcer and LED bar tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.live_server import LiveHall

from .restartable_server import RestartableHttp


def wait_until(predicate: Callable[[], object], timeout: float = 15.0, what: str = "condition"):
    """Poll until predicate() is truthy and return its value; fail after a generous timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


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


class PtyPair:
    """A real pty pair from socat: ``host`` for the bridge, ``device`` for the simulated LED bars."""

    def __init__(self, folder: Path) -> None:
        self.host, self.device = str(folder / "host"), str(folder / "device")
        self.process = subprocess.Popen(
            ["socat", f"pty,raw,echo=0,link={self.host}", f"pty,raw,echo=0,link={self.device}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: os.path.exists(self.host) and os.path.exists(self.device), what="socat ptys")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def pty_pair(tmp_path: Path):
    if shutil.which("socat") is None:
        pytest.fail("socat is not installed (Debian package socat)")
    pair = PtyPair(tmp_path)
    yield pair
    pair.close()
