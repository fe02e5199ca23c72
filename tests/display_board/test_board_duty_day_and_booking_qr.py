"""The board on a 节假日受理 duty day, and its 扫码预约 QR code of the booking page, in real
headless Chromium at 1920×1080 and 1080×1920.

No QR decoder (zbar, zxing) is installed here, so the QR is checked by its matrix: the modules
of the SVG the board shows, read back from the image, must be exactly the modules of the booking
page's address encoded afresh by the qrcode library."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
import qrcode

from hall_server.core.clock import CHINA

from .test_board_page import LANDSCAPE, PORTRAIT
from .test_board_readable import assert_nothing_overflows

SHOTS = Path("/tmp/board-shots")
MODULE = re.compile(r"M(\d+),(\d+)H")


def modules_of_svg(svg: str) -> list[list[bool]]:
    """The dark modules of an SVG drawn by display_board/qr.py (one square path per module)."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)[1])
    grid = [[False] * size for _ in range(size)]
    for x, y in MODULE.findall(svg):
        grid[int(y)][int(x)] = True
    return grid


def modules_of(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(border=2)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def shown_qr(page) -> str:
    page.wait_for_function("() => document.getElementById('book-qr').naturalWidth > 0")
    return page.evaluate("() => fetch(document.getElementById('book-qr').src).then((r) => r.text())")


@pytest.fixture
def open_board(browser):
    contexts = []

    def open_(hall, viewport=LANDSCAPE, layout="landscape"):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{hall.base_url}/board?token={hall.tokens['board']}&layout={layout}")
        page.wait_for_selector("body[data-ready='1']", timeout=15000)
        return page

    yield open_
    for c in contexts:
        c.close()


def test_the_boards_qr_opens_the_booking_page_of_the_address_the_board_was_opened_with(live_hall, open_board):
    page = open_board(live_hall)
    assert page.inner_text(".book-label") == "扫码预约"
    assert modules_of_svg(shown_qr(page)) == modules_of(f"{live_hall.base_url}/book")
    box = page.locator("#book-qr").bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150  # a phone reads it at arm's length


def test_the_boards_qr_uses_the_configured_public_address(live_hall, open_board):
    live_hall._http.app.config["YICHUANG_PUBLIC_URL"] = "http://192.168.10.5:8080/"
    page = open_board(live_hall)
    assert modules_of_svg(shown_qr(page)) == modules_of("http://192.168.10.5:8080/book")


@pytest.mark.parametrize("layout,viewport", [("landscape", LANDSCAPE), ("portrait", PORTRAIT)])
def test_on_a_duty_day_the_board_names_its_hours_windows_and_appointments_only(live_hall, open_board, layout, viewport):
    duty = {"kind": "duty", "hours": ["09:00-11:30"], "windows": [1], "appointment_only": True, "note": "值班"}
    assert live_hall.client("supervisor").put("/calendar/overrides/2026-11-29", json=duty).status_code == 200
    live_hall.clock.set(datetime(2026, 11, 29, 9, 40, tzinfo=CHINA))
    page = open_board(live_hall, viewport, layout)
    page.wait_for_function("() => document.getElementById('book-qr').naturalWidth > 0")
    assert page.inner_text("#hours") == "今日节假日受理 09:00–11:30 · 1号窗口 · 仅接待预约"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"board-duty-day-{layout}.png"))
    assert_nothing_overflows(page)
    # The QR keeps clear of the call table.
    table, qr = page.locator(".windows").bounding_box(), page.locator(".book").bounding_box()
    assert qr["y"] >= table["y"] + table["height"]


def test_the_hall_files_saturday_slot_shows_as_todays_duty_day_too(live_hall, open_board):
    live_hall.clock.set(datetime(2026, 11, 28, 9, 40, tzinfo=CHINA))
    page = open_board(live_hall)
    assert page.inner_text("#hours") == "今日节假日受理 09:00–11:30 · 1号窗口 · 仅接待预约"


def test_a_duty_day_entered_for_today_reaches_an_open_board_without_a_reload(live_hall, open_board):
    live_hall.clock.set(datetime(2026, 11, 28, 9, 40, tzinfo=CHINA))
    page = open_board(live_hall)
    assert page.inner_text("#hours") == "今日节假日受理 09:00–11:30 · 1号窗口 · 仅接待预约"
    duty = {"kind": "duty", "hours": ["09:00-12:00"], "windows": [1, 2], "appointment_only": False}
    assert live_hall.client("supervisor").put("/calendar/overrides/2026-11-28", json=duty).status_code == 200
    page.wait_for_function(
        "() => document.getElementById('hours').textContent === '今日节假日受理 09:00–12:00 · 1、2号窗口'",
        timeout=10000,
    )
    page.wait_for_function("() => document.getElementById('hall-state').classList.contains('open')", timeout=10000)
