"""The one way tests wait for something that happens in another thread or process."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def poll(predicate: Callable[[], T], timeout: float, interval: float = 0.02) -> T | None:
    """The first truthy value of predicate(), or None once ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def wait_until(predicate: Callable[[], T], timeout: float = 15.0, what: str = "condition", interval: float = 0.02) -> T:
    """Poll until predicate() is truthy and return its value; fail the test after a generous timeout
    (CI machines stall: a short one makes flaky tests, and a passing test returns at once anyway)."""
    value = poll(predicate, timeout, interval)
    if not value:
        pytest.fail(f"timed out after {timeout} s waiting for {what}")
    return value
