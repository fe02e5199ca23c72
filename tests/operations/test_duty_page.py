"""The 带班 roster page at the terminal's 1366x768: plan a half-day, then the leader checks in."""

from __future__ import annotations

from playwright.sync_api import expect

from .test_stats_pages import SHOTS


def test_supervisor_plans_a_half_day_and_the_leader_checks_in_on_the_day(device, live_hall):
    page = device(1366, 768)
    page.goto(f"{live_hall.base_url}/supervisor/duty?token={live_hall.tokens['supervisor']}&month=2026-11")
    page.wait_for_selector("body[data-loaded='1']")
    cell = page.locator("button[data-day='2026-11-26'][data-half='am']")
    cell.click()
    page.fill("#e-staff", "BZY005")
    page.fill("#e-title", "分管副镇长")
    page.click("#e-save")
    expect(cell).to_have_text("上午：刘芳")
    expect(page.locator(".leader")).to_have_text("刘芳（分管副镇长）0.5 天")
    cell.click()
    page.fill("#e-problems", "3号窗口排队较长")
    page.click("#e-checkin")
    expect(cell).to_have_class("half done")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "duty_1366x768.png"))
    shift = live_hall.client("supervisor").get("/duty-roster", params={"month": "2026-11"}).json()["shifts"][0]
    assert shift["checked_in_at"] and shift["problems"] == "3号窗口排队较长"


def test_a_new_leader_without_title_is_told_in_chinese(device, live_hall):
    page = device(1366, 768)
    page.goto(f"{live_hall.base_url}/supervisor/duty?token={live_hall.tokens['supervisor']}&month=2026-11")
    page.wait_for_selector("body[data-loaded='1']")
    page.locator("button[data-day='2026-11-27'][data-half='pm']").click()
    page.fill("#e-staff", "BZY006")
    page.click("#e-save")
    expect(page.locator("#toast")).to_contain_text("首次排班请同时填写职务")
