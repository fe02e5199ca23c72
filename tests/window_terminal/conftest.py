"""Fixtures for the window terminal and pad tests: passwords for the demo staff, pages, screenshots."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

PASSWORD = "banzhuyuan-2026"
SHOTS = Path(os.environ.get("YICHUANG_SCREENSHOTS", "/tmp/window_terminal_shots"))


@pytest.fixture
def hall(live_hall):
    """The live pilot hall with passwords set for every demo clerk and a supervisor account."""
    from sqlalchemy import update

    from hall_server.services.hall_setup import add_staff
    from hall_server.storage.models import Staff

    add_staff(live_hall.server.services, live_hall.hall_id, "BZY900", "吴主任", role="supervisor")
    # argon2 is slow on purpose: hash once per session and store it for everyone.
    with live_hall.server.db.write() as conn:
        conn.execute(update(Staff).where(Staff.hall_id == live_hall.hall_id).values(password_hash=_hashed()))
    return live_hall


@functools.cache
def _hashed() -> str:
    from hall_server.services.accounts import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def shot():
    """shot(page, name): save a screenshot under /tmp/window_terminal_shots for the report."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return take


def login(page, hall, window: int, staff_no: str, password: str = PASSWORD) -> None:
    page.goto(f"{hall.base_url}/window/{window}")
    page.fill("#staff-no", staff_no)
    page.fill("#password", password)
    page.click("#login-submit")


def supervisor_login(page, hall) -> None:
    """The 值班负责人 BZY900 logs in on /supervisor; returns once the windows are drawn."""
    from playwright.sync_api import expect

    page.goto(f"{hall.base_url}/supervisor")
    page.fill("#staff-no", "BZY900")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator(".wcard")).to_have_count(3)


def issue(hall, n: int = 1, **body) -> list[dict]:
    kiosk = hall.client("kiosk")
    out = []
    for _ in range(n):
        r = kiosk.post("/tickets", json=body)
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out
