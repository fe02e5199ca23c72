"""Time is an input: every time-dependent rule asks a Clock, never datetime.now().

``SystemClock`` is production; ``StartedClock`` starts the hall at a chosen local
time and lets it run on (``yichuang serve --clock "2026-11-26 10:00"``, for demos
and training); ``FakeClock`` only moves when a test moves it.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware datetime."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class StartedClock:
    """Starts at ``start`` and advances with real (monotonic) time."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("StartedClock needs an aware datetime")
        self._start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


class FakeClock:
    """A clock that stands still until told to move; thread-safe for concurrency tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        with self._lock:
            self._now = when

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._now += timedelta(**delta)


def parse_local_time(text: str, tz: ZoneInfo = CHINA) -> datetime:
    """Parse '2026-11-26 10:00' (or ISO with seconds/offset) as hall-local time."""
    value = datetime.fromisoformat(text.strip().replace("T", " "))
    return value if value.tzinfo else value.replace(tzinfo=tz)
