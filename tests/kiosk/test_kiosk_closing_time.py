"""A walk-in at 17:22 on the pilot hall: windows 2 and 3 close at 17:30, window 1 serves until 18:30
(延时服务). After the resident accepts the risk at the closing-time question, the ticket screen, the
printed slip (ESC/POS bytes decoded back) and the phone page behind its QR all say so, and the slip
sends the resident only to the window still open when the ticket is expected."""

from __future__ import annotations

from urllib.parse import urlparse

from hall_server.core.clock import parse_local_time
from hardware.printer import decode, text_lines
from hardware.printer.escpos_decoder import QRCode


def test_a_ticket_taken_after_the_closing_time_question_says_so_on_screen_slip_and_phone(
    live_hall, printer_sim, start_kiosk, browser
):
    live_hall.clock.set(parse_local_time("2026-11-26 17:22"))
    for _ in range(4):  # four ahead: the fifth is expected at window 1 only, near its last start
        live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).raise_for_status()
    kiosk = start_kiosk(
        live_hall.base_url, live_hall.tokens["kiosk"], printer_sim.spec, width=1080, height=1920, idle_seconds=600
    )
    kiosk.wait_screen("home", 30)
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("general")
    kiosk.wait_screen("consent")
    kiosk.tap("accept")
    st = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["print_state"] == "printed")
    kiosk.screenshot("closing-1080x1920-ticket-consented")
    ticket = st["ticket"]
    assert ticket["late_risk_accepted"] is True and ticket["serving_windows"] == [1]
    texts = st["texts"]
    assert texts["late_risk"].startswith("您已确认：今天18:30前可能来不及办理")
    assert "二维码预约" in texts["late_risk"]
    assert texts["serving_windows"] == "届时办理的窗口：1号窗口"

    assert printer_sim.core.wait_for_jobs(1)
    elements = decode(printer_sim.core.jobs[0])
    lines = text_lines(elements)
    assert "您已确认：今天18:30前可能来不及办理" in lines
    assert "办理窗口：1号窗口" in lines and not any("2、3" in line or "、2" in line for line in lines)
    assert "如未叫到号，请扫下方二维码预约其他日期" in lines
    qrs = [e.payload for e in elements if isinstance(e, QRCode)]
    assert any(q.endswith("/book") for q in qrs)

    phone_url = next(q for q in qrs if "/t/" in q)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(live_hall.base_url + urlparse(phone_url).path + "?" + urlparse(phone_url).query)
        page.locator("#late-text").filter(has_text="18:30").wait_for()
        assert page.inner_text("#late-text") == "您取号时已确认：今天18:30前可能来不及办理。"
        assert page.get_attribute("#late-book", "href") == "/book"
        qr = page.locator("#late-book img")
        qr.wait_for()
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", qr.element_handle())
        page.screenshot(path="/tmp/kiosk-screens/closing-phone-390x844-zh.png", full_page=True)
        page.goto(page.url + "&lang=en")
        page.locator("#late-text").filter(has_text="18:30").wait_for()
        page.screenshot(path="/tmp/kiosk-screens/closing-phone-390x844-en.png", full_page=True)
    finally:
        page.close()


def test_a_ticket_taken_in_the_morning_says_nothing_of_closing_time(live_hall, printer_sim, start_kiosk):
    kiosk = start_kiosk(live_hall.base_url, live_hall.tokens["kiosk"], printer_sim.spec, width=1080, height=1920)
    kiosk.wait_screen("home", 30)
    kiosk.tap("take_number")
    kiosk.wait_screen("groups")
    kiosk.tap("general")
    st = kiosk.wait_for(lambda s: s["screen"] == "ticket" and s["print_state"] == "printed")
    assert "late_risk" not in st["texts"] and "serving_windows" not in st["texts"]
    assert printer_sim.core.wait_for_jobs(1)
    lines = text_lines(decode(printer_sim.core.jobs[0]))
    assert "办理窗口：1、2、3号窗口" in lines and not any("来不及" in line for line in lines)
