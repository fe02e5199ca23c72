"""Appointments: booking and kiosk check-in with early/late rules."""

from datetime import datetime

from hall_server.core.clock import CHINA

ID_NUMBER = "34152219800101000X"  # a syntactically valid test ID (check character X)


def book(hall, slot="2026-11-26T10:30", **extra):
    body = {"matter_id": 1, "resident_name": "张小三", "slot_start": slot, "id_number": ID_NUMBER, **extra}
    return hall.client("supervisor").post("/appointments", json=body)


def test_booking_returns_a_code_and_masks_the_name(live_hall):
    appt = book(live_hall).json()
    assert len(appt["code"]) == 6 and appt["resident_masked"] == "张*三" and appt["id_number_tail"] == "000X"


def test_check_in_by_code_gives_an_appointment_ticket_that_goes_first_in_its_slot(live_hall):
    code = book(live_hall).json()["code"]
    kiosk = live_hall.client("kiosk")
    walk_in = kiosk.post("/tickets", json={"matter_id": 1}).json()
    live_hall.clock.set(datetime(2026, 11, 26, 10, 25, tzinfo=CHINA))
    ticket = kiosk.post("/tickets", json={"appointment_code": code}).json()
    assert ticket["number"] == "Y001" and ticket["channel"] == "appointment"
    live_hall.clock.set(datetime(2026, 11, 26, 10, 31, tzinfo=CHINA))
    called = live_hall.client("clerk-1").post("/windows/1/call-next").json()["ticket"]
    assert called["number"] == "Y001" and walk_in["number"] == "A001"


def test_check_in_by_id_number_finds_todays_appointment(live_hall):
    book(live_hall)
    live_hall.clock.set(datetime(2026, 11, 26, 10, 20, tzinfo=CHINA))
    r = live_hall.client("kiosk").post("/tickets", json={"id_number": ID_NUMBER.lower()})
    assert r.status_code == 201 and r.json()["channel"] == "appointment"


def test_check_in_too_early_says_from_when(live_hall):
    code = book(live_hall, "2026-11-26T15:00").json()["code"]
    r = live_hall.client("kiosk").post("/tickets", json={"appointment_code": code})
    assert r.status_code == 409 and r.json()["error"]["code"] == "appointment_too_early"
    assert "14:30" in r.json()["error"]["message"]


def test_late_check_in_is_refused_and_offers_a_walk_in(live_hall):
    code = book(live_hall).json()["code"]
    live_hall.clock.set(datetime(2026, 11, 26, 10, 50, tzinfo=CHINA))
    r = live_hall.client("kiosk").post("/tickets", json={"appointment_code": code})
    assert r.json()["error"]["code"] == "appointment_late" and r.json()["error"]["details"]["walk_in_offered"]


def test_second_check_in_does_not_issue_a_second_ticket(live_hall):
    code = book(live_hall).json()["code"]
    kiosk = live_hall.client("kiosk")
    kiosk.post("/tickets", json={"appointment_code": code})
    again = kiosk.post("/tickets", json={"appointment_code": code})
    assert again.status_code == 409 and again.json()["error"]["code"] == "appointment_already_checked_in"


def test_invalid_id_number_is_explained(live_hall):
    r = live_hall.client("kiosk").post("/tickets", json={"id_number": "341522198001010011"})
    assert r.status_code == 400 and "身份证" in r.json()["error"]["message"]


def test_appointment_only_saturday_slot_accepts_check_ins(live_hall):
    code = book(live_hall, "2026-11-28T09:30").json()["code"]
    live_hall.clock.set(datetime(2026, 11, 28, 9, 20, tzinfo=CHINA))
    kiosk = live_hall.client("kiosk")
    assert kiosk.post("/tickets", json={"matter_id": 1}).json()["error"]["code"] == "appointment_only"
    assert kiosk.post("/tickets", json={"appointment_code": code}).status_code == 201


def test_booking_outside_hours_is_refused(live_hall):
    r = book(live_hall, "2026-11-29T10:00")  # an ordinary Sunday
    assert r.status_code == 409 and r.json()["error"]["code"] == "slot_outside_hours"


def test_the_kiosk_books_for_a_resident_as_the_kiosk_channel_with_a_phone(live_hall):
    kiosk = live_hall.client("kiosk")
    body = {"matter_id": 1, "resident_name": "王女士", "slot_start": "2026-11-27T10:00"}
    no_phone = kiosk.post("/appointments", json=body)
    assert no_phone.status_code == 400 and no_phone.json()["error"]["code"] == "phone_required"
    r = kiosk.post("/appointments", json={**body, "phone": "13800001234"})
    assert r.status_code == 201, r.text
    assert r.json()["channel"] == "kiosk" and r.json()["phone_tail"] == "1234"
    # A kiosk books only as the kiosk, and only a kiosk books so.
    hotline = kiosk.post("/appointments", json={**body, "phone": "13800001234", "channel": "hotline"})
    assert hotline.status_code == 401
    clerk = live_hall.client("clerk-1").post("/appointments", json={**body, "phone": "13800001234", "channel": "kiosk"})
    assert clerk.status_code == 401 and clerk.json()["error"]["code"] == "booking_channel_needs_kiosk"
