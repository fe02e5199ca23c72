"""Fixtures for the case (办件) tests: a back-office token, matters by code, a signature image."""

from __future__ import annotations

import base64
import functools
import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw


@pytest.fixture
def hall(live_hall):
    """live_hall plus a 民政办 back-office token ("backoffice") and one for 人社所 ("backoffice-rs")."""
    live_hall.tokens["backoffice"] = live_hall.server.tokens.create(live_hall.hall_id, "backoffice", label="民政办")
    live_hall.tokens["backoffice-rs"] = live_hall.server.tokens.create(
        live_hall.hall_id, "backoffice", label="dept:人社所"
    )
    return live_hall


@pytest.fixture
def matters(hall):
    """Matter code -> matter JSON (with its checklist), as the window terminal sees it."""
    data = hall.client("clerk-1").get("/matters").json()["matters"]
    return {m["code"]: m for m in data}


@pytest.fixture(scope="session")
def signature_png() -> str:
    """A small PNG of a scribbled signature, base64 as a signature pad sends it."""
    img = Image.new("RGB", (240, 90), "white")
    draw = ImageDraw.Draw(img)
    draw.line([(10, 60), (50, 20), (90, 70), (130, 25), (170, 65), (225, 30)], fill="black", width=4)
    out = io.BytesIO()
    img.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def all_submitted(matter: dict) -> list[dict]:
    return [{"name": m["name"], "status": "submitted"} for m in matter["materials"]]


def open_case(client, matter: dict, **extra) -> dict:
    body = {"matter_id": matter["id"], "applicant_name": "张小三", "phone": "13800001234", **extra}
    r = client.post("/cases", json=body)
    assert r.status_code == 201, r.text
    return r.json()


# --- browser pages: the window terminal (real log-in) and the case pages -----------------------
TERMINAL_PASSWORD = "banzhuyuan-2026"
SHOTS = Path(os.environ.get("YICHUANG_SCREENSHOTS", "/tmp/case_panel_shots"))


@pytest.fixture
def terminal_hall(hall):
    """``hall`` with a password on every clerk, so the window terminal can be logged into."""
    from sqlalchemy import update

    from hall_server.storage.models import Staff

    with hall.server.db.write() as conn:
        conn.execute(update(Staff).where(Staff.hall_id == hall.hall_id).values(password_hash=_hashed()))
    return hall


@functools.cache
def _hashed() -> str:
    from hall_server.services.accounts import hash_password

    return hash_password(TERMINAL_PASSWORD)


@pytest.fixture
def shot():
    """shot(page, name): save a full-page screenshot under /tmp/case_panel_shots for the report."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def login_terminal(page, hall, window: int = 1) -> None:
    """Log the clerk on duty at ``window`` into the terminal page (live_hall signs DEMO_STAFF in order)."""
    from hall_server.services.hall_setup import DEMO_STAFF

    page.goto(f"{hall.base_url}/window/{window}")
    page.fill("#staff-no", DEMO_STAFF[window - 1][0])
    page.fill("#password", TERMINAL_PASSWORD)
    page.click("#login-submit")
    page.locator("#desk").wait_for(state="visible")


def open_panel(page, hall, role: str = "clerk-1", window: int = 1, **query) -> None:
    q = "".join(f"&{k}={v}" for k, v in query.items())
    page.goto(f"{hall.base_url}/cases-ui/window/{window}?token={hall.tokens[role]}{q}")
    page.locator("#title").filter(has_text=f"{window}号窗口").wait_for()


def start_case(page, matter: dict, applicant: str = "王大山") -> None:
    """Fill the panel's new-case form and wait until the case is open with its checklist."""
    page.select_option("#matter", str(matter["id"]))
    page.fill("#applicant", applicant)
    page.click("#open")
    page.locator("#case[data-state=open]").wait_for()


def tick_all_submitted(page) -> None:
    rows = page.locator("#checklist tr")
    rows.first.wait_for()
    for i in range(rows.count()):
        rows.nth(i).locator("input[value=submitted]").check()
    page.check("#identity")


def case_frame(page):
    """The case panel the terminal opened beside its queue (the frame named "case"), once loaded."""
    frame = page.frame(name="case")
    frame.wait_for_url(re.compile(r"/cases-ui/window/"))
    frame.locator("#title").filter(has_text="号窗口").wait_for()
    return frame


def draw_signature(page) -> None:
    """A scribble with the mouse, as a resident signs with a finger on the tablet (page or frame)."""
    canvas = page.locator("#signature")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    mouse = page.page.mouse if hasattr(page, "parent_frame") else page.mouse
    x, y = box["x"], box["y"]
    mouse.move(x + 30, y + 110)
    mouse.down()
    for dx, dy in ((80, 40), (130, 120), (180, 50), (240, 115), (300, 45), (380, 100), (440, 60)):
        mouse.move(x + dx, y + dy, steps=4)
    mouse.up()
