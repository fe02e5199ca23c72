"""Fixtures for the thermal printer tests (names start with ``printer_``: this folder is shared).

The project is not pip-installed into the virtualenv, so make the project root
importable here (a no-op once pytest has pythonpath = ["."] or the package is installed).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from hardware.printer import QueueSlip  # noqa: E402
from hardware.printer.simulator import NetworkPrinterSimulator, PrinterSimulator  # noqa: E402
from hardware.serial_devices import SerialBus  # noqa: E402
from hardware.serial_devices.simulators import SimulatedDevice, SimulatedLine  # noqa: E402
from tests.support.serial_pty import FAST_BUS, PtyPair  # noqa: E402


@pytest.fixture
def printer_slip_factory():
    """Build a QueueSlip with realistic defaults; keyword arguments override fields."""

    def make(**overrides) -> QueueSlip:
        fields = {
            "center_name": "金寨县花石乡便民服务中心",
            "matter_name": "城乡居民医疗保险参保登记",
            "number": "A017",
            "waiting_ahead": 5,
            "estimated_wait_minutes": 25,
            "issued_at": datetime(2026, 11, 25, 9, 31, 5, tzinfo=ZoneInfo("Asia/Shanghai")),
            "qr_url": "https://yichuang.example/t/20261125-A017",
        }
        fields.update(overrides)
        return QueueSlip(**fields)

    return make


@pytest.fixture
def printer_network_sim():
    """A simulated network printer on 127.0.0.1; ``.core`` holds its state and received jobs."""
    with NetworkPrinterSimulator(PrinterSimulator()) as sim:
        yield sim


# --- serial peripherals (names start with ``serial_``) ------------------------------------
@pytest.fixture
def serial_pty_pair(tmp_path: Path) -> Iterator[PtyPair]:
    pair = PtyPair(tmp_path)
    pair.plug()
    yield pair
    pair.unplug()


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
