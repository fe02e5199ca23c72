"""What a resident must read on the portrait kiosk (1080×1920), rendered for real (Kivy offscreen):
large enough for an elderly resident at arm's length, dates as people say them, every field named,
and a ticket screen that uses the whole screen. Screenshots go to $KIOSK_SCREENSHOTS."""

from __future__ import annotations

import pytest

from hall_server.core.clock import parse_local_time
from tests.kiosk.conftest import SHOTS

# 1080×1920: 1 unit = 10.8 px. The smallest type a resident must read on these screens; the old
# ones drew "可约 N 人" at ~20 px, the 综合业务 hint at ~24 px and a check-in error at 30 px.
MIN_READ_PX = 36


@pytest.fixture
def portrait(live_hall, printer_sim, start_kiosk):
    kiosk = start_kiosk(
        live_hall.base_url, live_hall.tokens["kiosk"], printer_sim.spec, width=1080, height=1920, idle_seconds=600
    )
    kiosk.wait_screen("home", 30)
    return kiosk


def sizes_on(kiosk, scene: str, screen: str, size: str = "1080x1920") -> dict:
    kiosk.call("show", screen=scene)
    kiosk.wait_screen(screen)
    kiosk.screenshot(f"readable-{size}-{scene}")
    return kiosk.call("sizes")["sizes"]


def too_small(sizes: dict, kids) -> dict:
    """The texts drawn below MIN_READ_PX (None: not on the screen at all)."""
    return {
        kid: (sizes.get(kid) or {}).get("smallest")
        for kid in kids
        if (sizes.get(kid) or {}).get("smallest", 0) < MIN_READ_PX
    }


def test_hints_dates_and_errors_a_resident_reads_are_large_on_the_portrait_kiosk(portrait):
    groups = sizes_on(portrait, "groups", "groups")
    assert too_small(groups, ["general"]) == {}  # 到窗口后由工作人员帮您确定事项
    days = sizes_on(portrait, "book_day", "book_day")
    day_keys = [kid for kid in days if kid.startswith("day-")]
    assert len(day_keys) == 8 and too_small(days, day_keys) == {}  # 可约 N 人
    shown = portrait.state()["shown"]
    tomorrow = next(text for kid, text in shown.items() if kid.startswith("day-") and "明天" in text)
    # 明天 on a line of its own, as large as the date (in brackets after it, it shrank with the line)
    assert tomorrow.split("\n")[1] == "明天" and days["day-2026-11-27"]["font"] == max(
        days[k]["font"] for k in day_keys
    )
    checkin = sizes_on(portrait, "checkin", "checkin")
    assert too_small(checkin, ["keypad_error", "checkin_prompt"]) == {}
    progress = sizes_on(portrait, "progress", "progress")
    assert too_small(progress, ["progress_prompt", "case_entry_label", "code_entry_label", "progress_note"]) == {}
    texts = portrait.state()["texts"]
    assert texts["case_entry_label"].startswith("办件编号") and texts["code_entry_label"] == "查询码或手机后4位"


def test_the_ticket_screen_fills_the_portrait_screen_in_large_type(portrait):
    sizes = sizes_on(portrait, "ticket", "ticket")
    filled = portrait.call("filled")
    # The rows share the screen down to the 完成 key: no half-empty screen (the old one left ~800 px).
    assert filled["largest_gap_px"] < 300, filled
    assert sizes["number"]["font"] >= 250  # the number itself, readable from the seats
    assert too_small(sizes, ["matter", "number_caption", "waiting_ahead", "estimated_wait", "print_note"]) == {}


def test_a_check_in_too_early_says_the_date_the_way_people_read_it(portrait, live_hall):
    live_hall.clock.set(parse_local_time("2026-11-26 09:00"))
    booked = (
        live_hall.client("clerk-1")
        .post("/appointments", json={"resident_name": "张三", "slot_start": "2026-11-27T10:00", "matter_id": 9})
        .json()
    )
    portrait.tap("check_in")
    portrait.wait_screen("checkin")
    for digit in booked["code"]:
        portrait.tap(f"key-{digit}")
    portrait.wait_for(lambda s: s["keypad"] == booked["code"])
    portrait.tap("submit")
    st = portrait.wait_for(lambda s: s["screen"] == "checkin" and s["texts"].get("keypad_error"))
    error = st["texts"]["keypad_error"]
    portrait.screenshot("readable-1080x1920-checkin-too-early")
    assert "11月27日 周五 10:00" in error and "2026-11-27" not in error
    assert portrait.call("sizes")["sizes"]["keypad_error"]["smallest"] >= MIN_READ_PX
    assert (SHOTS / "readable-1080x1920-checkin-too-early.png").exists()


def test_day_buttons_keep_their_large_type_on_a_landscape_kiosk(live_hall, printer_sim, start_kiosk):
    """1920×1080: eight day buttons two a row were too short for 可约 N 人 at reading size."""
    kiosk = start_kiosk(
        live_hall.base_url, live_hall.tokens["kiosk"], printer_sim.spec, width=1920, height=1080, idle_seconds=600
    )
    kiosk.wait_screen("home", 30)
    days = sizes_on(kiosk, "book_day", "book_day", "1920x1080")
    day_keys = [kid for kid in days if kid.startswith("day-")]
    assert too_small(days, day_keys) == {}
    assert days["day-2026-11-27"]["font"] == max(days[k]["font"] for k in day_keys)
    assert "明天" in kiosk.state()["shown"]["day-2026-11-27"]
