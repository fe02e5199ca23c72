"""The supervisor page shows bookings that look like hoarding and releases them (1366×768)."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hall_server.storage.models import Appointment

from .conftest import supervisor_login


def _hoard(hall, n: int) -> list[str]:
    codes = []
    for i in range(n):
        body = {
            "channel": "web",
            "resident_name": "占号人",
            "phone": f"1395550{i:04d}",
            "slot_start": f"2026-11-27T{9 + i // 2:02d}:{30 * (i % 2):02d}",
            "matter_id": 1,
        }
        r = httpx.post(hall.base_url + "/api/v1/appointments", json=body, timeout=20)
        assert r.status_code == 201, r.text
        codes.append(r.json()["code"])
    return codes


@pytest.mark.parametrize("browser_locale", ["zh-CN", "en-US"])
def test_supervisor_sees_hoarded_seats_and_releases_them_with_two_taps(hall, browser, shot, browser_locale):
    codes = _hoard(hall, 5)
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale=browser_locale)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    try:
        supervisor_login(page, hall)
        card = page.locator("#hoard")
        expect(card).to_be_visible()
        expect(card.locator(".hoard-group[data-kind='address']")).to_contain_text("同一地址 127.0.0.1 约了5个")
        expect(card.locator(".hoard-group[data-kind='held']")).to_contain_text("5个预约还没输短信验证码")
        expect(card).to_contain_text("占*人")
        shot(page, f"supervisor_hoarding_{browser_locale}")
        button = card.locator(".hoard-group[data-kind='address'] button")
        button.click()
        expect(button).to_contain_text("再点一次")
        with hall.server.db.read() as conn:  # the first tap only asks
            assert set(conn.execute(select(Appointment.status)).scalars()) == {"held"}
        button.click()
        expect(page.locator("#hoard-note")).to_have_text("已释放5个预约，名额已让出。")
        with hall.server.db.read() as conn:
            statuses = dict(conn.execute(select(Appointment.code, Appointment.status)).all())
        assert statuses == dict.fromkeys(codes, "released")
        expect(page.locator(".hoard-group")).to_have_count(0)
    finally:
        ctx.close()
