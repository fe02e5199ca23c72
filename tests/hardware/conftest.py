"""Fixtures for the thermal printer tests (names start with ``printer_``: this folder is shared).

The project is not pip-installed into the virtualenv, so make the project root
importable here (a no-op once pytest has pythonpath = ["."] or the package is installed).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from hardware.printer import QueueSlip  # noqa: E402
from hardware.printer.simulator import NetworkPrinterSimulator, PrinterSimulator  # noqa: E402


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
