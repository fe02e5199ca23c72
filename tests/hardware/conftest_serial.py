"""Shared fixtures for the serial peripheral tests (imported by the test_serial_* modules).

Fixture names start with ``serial_`` because this folder is shared with other test suites.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The project is not installed into the virtualenv and pytest puts only this folder on
# sys.path, so make the project root importable. A no-op once pytest is configured with
# pythonpath = ["."] or the project is pip-installed.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from hardware.serial_devices import SerialBus  # noqa: E402
from hardware.serial_devices.simulators import SimulatedDevice, SimulatedLine  # noqa: E402


def wait_until(predicate: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    """Poll until predicate() is true; fail after ``timeout`` seconds (generous: CI machines stall)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


class PtyPair:
    """A real pty pair from socat: ``host`` end for the production bus, ``device`` end for
    the simulators. ``unplug()``/``replug()`` kill and restart socat (both ends vanish, as
    when a USB RS-485 adapter is pulled out)."""

    def __init__(self, folder: Path) -> None:
        self.host = str(folder / "host")
        self.device = str(folder / "device")
        self._process: subprocess.Popen[bytes] | None = None

    def plug(self) -> None:
        for link in (self.host, self.device):
            if os.path.lexists(link):
                os.unlink(link)
        self._process = subprocess.Popen(
            ["socat", f"pty,raw,echo=0,link={self.host}", f"pty,raw,echo=0,link={self.device}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: os.path.exists(self.host) and os.path.exists(self.device), what="socat ptys")

    def unplug(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            process.wait(10)


@pytest.fixture
def serial_pty_pair(tmp_path: Path) -> Iterator[PtyPair]:
    if shutil.which("socat") is None:
        pytest.skip("socat is not installed (Debian package socat)")
    pair = PtyPair(tmp_path)
    pair.plug()
    yield pair
    pair.unplug()


# Short timeouts keep the suite fast; correctness never depends on them being short.
FAST_BUS = {"reply_timeout": 0.1, "offline_after": 2, "command_retries": 3, "reopen_backoff": (0.05, 0.2)}


@pytest.fixture
def serial_rig(serial_pty_pair: PtyPair) -> Iterator[Callable[..., tuple[SerialBus, SimulatedLine]]]:
    """Factory: simulated devices on the device end, a bus (not yet started) on the host end."""
    started: list[SerialBus | SimulatedLine] = []

    def make(
        devices: list[SimulatedDevice], addresses: list[int] | None = None, **bus_options: object
    ) -> tuple[SerialBus, SimulatedLine]:
        line = SimulatedLine(serial_pty_pair.device, devices).start()
        started.append(line)
        options = {**FAST_BUS, **bus_options}
        bus = SerialBus(serial_pty_pair.host, addresses or [d.address for d in devices], **options)
        started.append(bus)
        return bus, line

    yield make
    for thing in reversed(started):
        thing.stop()
