"""The phone page behind the slip's QR code, in headless Chromium against a live hall."""


def open_page(browser, hall, ticket, key=None):
    page = browser.new_page()
    page.goto(f"{hall.base_url}/t/{ticket['id']}?key={key or ticket['public_key']}")
    return page


def test_phone_page_shows_the_number_and_people_ahead(browser, live_hall):
    kiosk = live_hall.client("kiosk")
    kiosk.post("/tickets", json={"matter_id": 1})
    ticket = kiosk.post("/tickets", json={"matter_id": 2}).json()
    page = open_page(browser, live_hall, ticket)
    page.wait_for_function("() => document.getElementById('number').textContent === 'A002'")
    page.wait_for_function("() => document.getElementById('detail').textContent.includes('您前面还有 1 人')")
    assert ticket["matter_name"] in page.inner_text("#matter")
    page.screenshot(path="/tmp/phone_waiting.png")
    page.close()


def test_phone_page_says_after_lunch_with_the_time_when_the_wait_spans_the_break(browser, live_hall):
    from datetime import datetime

    from hall_server.core.clock import CHINA

    live_hall.clock.set(datetime(2026, 11, 26, 11, 55, tzinfo=CHINA))
    kiosk = live_hall.client("kiosk")
    ticket = [kiosk.post("/tickets", json={"matter_id": 1}).json() for _ in range(4)][3]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_hall.base_url}/t/{ticket['id']}?key={ticket['public_key']}")
    page.wait_for_function("() => document.getElementById('detail').textContent.includes('午休后办理，约13:30')")
    page.screenshot(path="/tmp/d_shots/phone_after_lunch.png")
    page.close()


def test_phone_page_tells_the_resident_which_window_calls(browser, live_hall):
    ticket = live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).json()
    page = open_page(browser, live_hall, ticket)
    page.wait_for_function("() => document.getElementById('number').textContent === 'A001'")
    live_hall.client("clerk-3").post("/windows/3/call-next")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.includes('请A001号到3号窗口办理')", timeout=15000
    )
    page.close()


def test_phone_page_with_a_wrong_key_reveals_nothing(browser, live_hall):
    ticket = live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).json()
    page = open_page(browser, live_hall, ticket, key="guessed")
    page.wait_for_function("() => document.getElementById('status').textContent !== '正在查询…'")
    assert "A001" not in page.content() and "找不到号票" in page.inner_text("#status")
    page.close()


def test_finished_service_can_be_rated_from_the_phone(browser, live_hall):
    ticket = live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).json()
    clerk = live_hall.client("clerk-1")
    clerk.post("/windows/1/call-next")
    clerk.post("/windows/1/start")
    clerk.post("/windows/1/finish")
    page = open_page(browser, live_hall, ticket)
    page.wait_for_selector("#rate:not([hidden])")
    page.click("#rate")
    page.wait_for_url("**/rate/rt_*")
    page.close()


def test_phone_page_turns_to_rated_when_the_resident_rates_at_the_pad(browser, live_hall):
    ticket = live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).json()
    clerk = live_hall.client("clerk-1")
    clerk.post("/windows/1/call-next").raise_for_status()
    clerk.post("/windows/1/start").raise_for_status()  # only a service under way can be finished
    clerk.post("/windows/1/finish").raise_for_status()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_hall.base_url}/t/{ticket['id']}?key={ticket['public_key']}")
    page.wait_for_selector("#rate:not([hidden])")
    rated = live_hall.client("pad-1").post("/pads/1/rating", json={"ticket_id": ticket["id"], "level": 5})
    assert rated.status_code in (200, 201), rated.text
    # Open while the pad's rating arrives: the page turns by itself, without a reload.
    page.wait_for_function("() => document.getElementById('detail').textContent.includes('您已评价本次服务')")
    assert page.locator("#rate").is_hidden()
    page.screenshot(path="/tmp/smalls_phone_rated_zh.png")
    # Opened afterwards (and in English): no rating button from the first look.
    english = browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
    english.goto(f"{live_hall.base_url}/t/{ticket['id']}?key={ticket['public_key']}&lang=en")
    english.wait_for_function("() => document.getElementById('detail').textContent.includes('You have rated')")
    assert english.locator("#rate").is_hidden()
    english.screenshot(path="/tmp/smalls_phone_rated_en.png")
    english.close()
    page.close()
