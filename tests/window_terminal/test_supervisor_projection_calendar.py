"""The supervisor's projection page, the calendar page, and the warning banner on the supervisor page."""

from __future__ import annotations

from datetime import datetime

import httpx
from playwright.sync_api import expect

from hall_server.core.clock import CHINA

from .conftest import supervisor_login


def choose_english(hall, page) -> None:
    """The signed-in supervisor chooses English for their account, and the page is reloaded."""
    token = page.evaluate("localStorage.getItem('yc.supervisor.token')")
    language = httpx.put(
        f"{hall.base_url}/api/v1/auth/me/language",
        json={"language": "en"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert language.status_code == 200
    page.reload()


def test_projection_page_shows_the_line_end_and_where_the_cutoff_falls(hall, device, shot):
    hall.clock.set(datetime(2026, 11, 26, 17, 25, tzinfo=CHINA))
    kiosk = hall.client("kiosk")
    numbers = [
        kiosk.post("/tickets", json={"matter_id": 1, "accept_late_risk": True}).json()["number"] for _ in range(7)
    ]
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    page.click("#sv-links a[href='/supervisor/projection']")
    expect(page.locator("#summary")).to_contain_text("18:30 下班")
    expect(page.locator("#summary")).to_contain_text(f"从 {numbers[5]} 号起")
    expect(page.locator("#tickets tr.late")).to_have_count(2)
    shot(page, "supervisor-projection-1725")


def test_supervisor_page_warns_about_2027_and_the_calendar_page_saves_spring_festival(hall, device, shot):
    hall.clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=CHINA))
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    banner = page.locator("a.sv-banner")
    expect(banner).to_contain_text("2027")
    shot(page, "supervisor-calendar-warning")
    banner.click()
    expect(page.locator("#override-form")).to_be_visible()
    page.fill("#day", "2027-02-08")
    page.select_option("#kind", "holiday")
    page.fill("#note", "春节")
    page.click("#save")
    expect(page.locator("#overrides")).to_contain_text("2027-02-08")
    shot(page, "supervisor-calendar-saved")
    overrides = hall.client("supervisor").get("/calendar/overrides").json()["overrides"]
    assert overrides == [{"date": "2027-02-08", "kind": "holiday", "note": "春节"}]


def test_the_calendar_page_adds_and_removes_a_national_day_duty_morning(hall, device, shot):
    hall.clock.set(datetime(2026, 9, 28, 10, 0, tzinfo=CHINA))
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/calendar")
    expect(page.locator("#override-form")).to_be_visible()
    expect(page.locator("#duty-fields")).to_be_hidden()
    page.fill("#day", "2026-10-05")
    page.select_option("#kind", "duty")
    page.fill("#note", "国庆值班")
    page.fill("#duty-ranges .duty-range >> nth=0 >> .duty-end", "11:30")
    page.click("#add-range")
    page.fill("#duty-ranges .duty-range >> nth=1 >> .duty-start", "14:00")
    page.fill("#duty-ranges .duty-range >> nth=1 >> .duty-end", "16:00")
    page.check("input[name=duty-window][value='2']")
    shot(page, "supervisor-calendar-duty-form")
    page.click("#save")
    row = page.locator("#overrides tr[data-date='2026-10-05']")
    expect(row).to_contain_text("节假日受理")
    expect(row).to_contain_text("09:00–11:30、14:00–16:00 · 1、2号窗口 · 仅接待预约")
    shot(page, "supervisor-calendar-duty-saved")
    slots = hall.client("kiosk").get("/appointments/slots", params={"date": "2026-10-05"}).json()["slots"]
    assert [s["start"][11:16] for s in slots][:2] == ["09:00", "09:30"] and slots[0]["window_numbers"] == [1, 2]
    # A half-typed range is refused by the server, naming the field; nothing changes.
    page.fill("#day", "2026-10-06")
    page.select_option("#kind", "duty")
    page.click("#add-range")
    page.fill("#duty-ranges .duty-range >> nth=1 >> .duty-start", "14:00")
    page.click("#save")
    expect(page.locator("#toast")).to_contain_text("hours[1]")
    row.locator("button.danger").click()
    expect(page.locator("#overrides")).to_have_count(0)
    assert hall.client("supervisor").get("/calendar/overrides").json()["overrides"] == []


def test_projection_api_is_for_supervisors_and_admins_only(hall):
    assert hall.client("supervisor").get("/projection").status_code == 200
    assert hall.client("admin").get("/projection").status_code == 200
    for role in ("kiosk", "board", "clerk-1", "pad-1"):
        assert hall.client(role).get("/projection").status_code == 403, role


def test_projection_page_names_the_numbers_no_longer_reached_that_were_never_told(hall, device, shot):
    hall.clock.set(datetime(2026, 11, 26, 17, 25, tzinfo=CHINA))
    kiosk = hall.client("kiosk")
    numbers = [
        kiosk.post("/tickets", json={"matter_id": 1, "accept_late_risk": i >= 4}).json()["number"] for i in range(6)
    ]
    hall.clock.set(datetime(2026, 11, 26, 17, 35, tzinfo=CHINA))  # windows 2 and 3 left at 17:30 without calling
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/projection")
    summary = page.locator("#summary")
    expect(summary).to_contain_text(f"没有被告知：{numbers[2]}、{numbers[3]}")
    expect(summary).to_contain_text("现在来取号的群众：下班前窗口来不及办理")
    expect(page.locator("#windows")).to_contain_text("已下班")
    shot(page, "supervisor-projection-1735-not-told")


def test_calendar_page_enters_the_spring_festival_week_in_one_go(hall, device, shot):
    hall.clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=CHINA))
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/calendar")
    page.fill("#day", "2027-02-06")
    page.fill("#last-day", "2027-02-12")
    page.select_option("#kind", "holiday")
    page.fill("#note", "春节")
    page.click("#save")
    expect(page.locator("#toast")).to_contain_text("共 7 天")
    expect(page.locator("#overrides tr")).to_have_count(7)
    shot(page, "supervisor-calendar-spring-festival")
    overrides = hall.client("supervisor").get("/calendar/overrides").json()["overrides"]
    assert [o["date"] for o in overrides] == [f"2027-02-{d:02d}" for d in range(6, 13)]
    assert {o["note"] for o in overrides} == {"春节"}


def test_the_calendar_page_shows_the_bookings_a_holiday_would_cancel_and_saves_only_when_confirmed(hall, device, shot):
    hall.clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=CHINA))
    staff = hall.client("supervisor")
    codes = [
        staff.post(
            "/appointments",
            json={"resident_name": name, "phone": phone, "slot_start": slot, "matter_id": 1},
        ).json()["code"]
        for name, phone, slot in (
            ("王小明", "13955500001", "2026-11-27T10:00"),
            ("欧阳小明", "13955500002", "2026-11-27T14:00"),
            ("李四", "13955500003", "2026-11-30T09:00"),
        )
    ]
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/calendar")
    page.fill("#day", "2026-11-27")
    page.select_option("#kind", "holiday")
    page.click("#save")
    confirm = page.locator("#stranded")
    expect(confirm).to_contain_text("2026-11-27：2个预约将被取消")
    expect(page.locator("#stranded-list tr[data-code]")).to_have_count(2)
    expect(page.locator(f"#stranded-list tr[data-code='{codes[1]}']")).to_contain_text("14:00")
    expect(page.locator(f"#stranded-list tr[data-code='{codes[1]}']")).to_contain_text("欧**明")
    expect(page.locator("#stranded-confirm")).to_be_in_viewport()
    shot(page, "supervisor-calendar-stranded-confirm")
    page.click("#stranded-back")
    expect(page.locator("#toast")).to_contain_text("未保存")
    assert staff.get("/calendar/overrides").json()["overrides"] == []
    assert staff.get(f"/appointments/{codes[0]}").json()["status"] == "booked"
    page.click("#save")
    page.click("#stranded-confirm")
    expect(page.locator("#toast")).to_contain_text("2个预约已由大厅取消")
    expect(page.locator("#overrides tr[data-date='2026-11-27']")).to_be_visible()
    assert [staff.get(f"/appointments/{c}").json()["status"] for c in codes] == [
        "hall_cancelled",
        "hall_cancelled",
        "booked",
    ]
    # The same step in English, for a supervisor who chose it.
    choose_english(hall, page)
    page.fill("#day", "2026-11-30")
    page.select_option("#kind", "holiday")
    page.click("#save")
    expect(page.locator("#stranded")).to_contain_text("2026-11-30: 1 appointment(s) would be cancelled")
    expect(page.locator(f"#stranded-list tr[data-code='{codes[2]}']")).to_contain_text("closed that day")
    expect(page.locator("#stranded-confirm")).to_be_in_viewport()
    shot(page, "supervisor-calendar-stranded-confirm-en")


def test_the_calendar_page_lists_the_bookings_a_changed_hall_file_left_without_a_seat_and_cancels_them(
    hall, device, shot
):
    from hall_server.core.hall_config import parse_hall_config, pilot_hall_text

    hall.clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=CHINA))
    staff = hall.client("supervisor")
    kept, late = (
        staff.post(
            "/appointments", json={"resident_name": "欧阳小明", "phone": phone, "slot_start": slot, "matter_id": 1}
        ).json()["code"]
        for phone, slot in (("13955500001", "2026-11-27T10:00"), ("13955500002", "2026-11-27T16:30"))
    )
    # The hall file now closes the afternoon at 16:00 (as a restart with the edited file would load it).
    text = pilot_hall_text().replace('"13:30-17:30"', '"13:30-16:00"')
    assert text != pilot_hall_text()
    hall.server.install(parse_hall_config(text))
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/calendar")
    expect(page.locator(".sv-banner.error").first).to_contain_text("11-27有1个预约")
    card = page.locator("#stranded-ahead")
    expect(card).to_contain_text("1个预约在目前的办公安排下没有位置")
    expect(page.locator("#stranded-ahead-list tr[data-code]")).to_have_count(1)
    expect(page.locator(f"#stranded-ahead-list tr[data-code='{late}']")).to_contain_text("11-27 16:30")
    expect(page.locator(f"#stranded-ahead-list tr[data-code='{late}']")).to_contain_text("欧**明")
    expect(page.locator("#stranded-ahead-cancel")).to_be_in_viewport()
    shot(page, "supervisor-calendar-stranded-ahead")
    # In English, for a supervisor who chose it; the confirmation is given there.
    choose_english(hall, page)
    expect(card).to_contain_text("1 appointment(s) have no seat under the current arrangement")
    expect(page.locator(f"#stranded-ahead-list tr[data-code='{late}']")).to_contain_text("outside the new hours")
    expect(page.locator("#stranded-ahead-cancel")).to_be_in_viewport()
    shot(page, "supervisor-calendar-stranded-ahead-en")
    page.click("#stranded-ahead-cancel")
    expect(page.locator("#toast")).to_contain_text("1 appointment(s) cancelled by the hall")
    expect(card).to_have_count(0)
    assert [staff.get(f"/appointments/{c}").json()["status"] for c in (kept, late)] == ["booked", "hall_cancelled"]


def test_supervisor_overview_links_to_statistics_duty_roster_and_case_supervision(hall, device, shot):
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    links = page.locator("#sv-links")
    for text in ("统计分析", "带班表", "办件督办"):
        expect(links.get_by_role("link", name=text)).to_be_visible()
    shot(page, "supervisor-overview-links-1366x768")
    # Each opens with the supervisor's own log-in: its data drawn, no "need a token" message.
    for text, loaded in (("统计分析", "#kpis > *"), ("带班表", "#calendar tr"), ("办件督办", "#stages .stage")):
        links.get_by_role("link", name=text).click()
        expect(page.locator(loaded).first).to_be_visible()
        page.go_back()
        expect(page.locator(".wcard")).to_have_count(3)
