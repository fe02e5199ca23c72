"""Frozen-clock margins of the day over real HTTP: lunch, the 错时 window, 延时 evening, closing, holidays.

Matter 1 (最低生活保障申请) takes 25 minutes in the catalog; nothing is learned yet, so every
estimate below is the catalog's figure played through the day's projection, and the consent
check's margin (core/margin.py) takes each service's spread as half its figure (12.5 minutes).
"""

from datetime import datetime

from hall_server.core.clock import CHINA


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def take(hall, n: int, **body):
    kiosk = hall.client("kiosk")
    return [kiosk.post("/tickets", json={"matter_id": 1, **body}) for _ in range(n)]


def hhmm(iso: str | None) -> str | None:
    return datetime.fromisoformat(iso).strftime("%H:%M") if iso else None


def test_at_1725_the_fifth_number_needs_consent_because_two_services_ahead_at_the_evening_window_may_run_long(
    live_hall,
):
    live_hall.clock.set(local("2026-11-26 17:25"))
    answers = take(live_hall, 5)
    assert [r.status_code for r in answers] == [201] * 4 + [409]
    assert [hhmm(r.json()["expected_start_at"]) for r in answers[:4]] == ["17:25", "17:25", "17:25", "17:50"]
    # Its expected start is 18:15, before the last start at 18:20; two 25-minute services ahead of it
    # at window 1 (the only one after 17:30) make that a coin toss, so the resident is asked first.
    refused = answers[4].json()["error"]
    assert refused["code"] == "closing_soon" and refused["details"]["consent_possible"]
    assert refused["details"]["waiting_ahead"] == 4 and hhmm(refused["details"]["closes_at"]) == "18:30"


def test_at_1725_a_resident_who_accepts_the_risk_gets_a_number_marked_so_with_its_expected_start(live_hall):
    live_hall.clock.set(local("2026-11-26 17:25"))
    take(live_hall, 4)
    accepted = take(live_hall, 1, accept_late_risk=True)[0].json()
    assert accepted["late_risk_accepted"] is True and hhmm(accepted["expected_start_at"]) == "18:15"


def test_at_1729_the_fourth_number_needs_consent_as_its_1754_start_waits_on_one_service_ending_after_1820_at_worst(
    live_hall,
):
    live_hall.clock.set(local("2026-11-26 17:29"))
    answers = take(live_hall, 4)
    assert [r.status_code for r in answers] == [201] * 3 + [409]
    assert [hhmm(r.json()["expected_start_at"]) for r in answers[:3]] == ["17:29"] * 3
    # Window 1 alone after 17:30: the fourth starts at 17:54 if the first service takes its 25 minutes,
    # after 18:20 if it takes three σ longer; four minutes earlier (17:25) it still fits.
    accepted = take(live_hall, 1, accept_late_risk=True)[0].json()
    assert hhmm(accepted["expected_start_at"]) == "17:54"


def test_at_1740_the_second_number_expected_at_1805_needs_consent_as_the_service_ahead_may_take_40_minutes(
    live_hall,
):
    live_hall.clock.set(local("2026-11-26 17:40"))
    first, second = take(live_hall, 2)
    assert first.status_code == 201 and first.json()["late_risk_accepted"] is False
    assert second.status_code == 409 and second.json()["error"]["details"]["waiting_ahead"] == 1
    accepted = take(live_hall, 1, accept_late_risk=True)[0].json()
    assert hhmm(accepted["expected_start_at"]) == "18:05"  # the slip still shows the expected start


def test_at_1820_one_person_ahead_is_refused_for_closing_time_not_for_a_long_line(live_hall):
    live_hall.clock.set(local("2026-11-26 18:20"))
    first, second = take(live_hall, 2)
    assert first.status_code == 201 and first.json()["estimated_wait_minutes"] == 0
    error = second.json()["error"]
    assert second.status_code == 409 and error["details"]["waiting_ahead"] == 1
    assert "18:30" in error["message"] and "1人" in error["message"] and "较多" not in error["message"]


def test_at_1155_the_fourth_slip_says_after_lunch_at_1330(live_hall):
    live_hall.clock.set(local("2026-11-26 11:55"))
    fourth = take(live_hall, 4)[3].json()
    assert fourth["after_break"] is True and hhmm(fourth["expected_start_at"]) == "13:30"
    assert fourth["estimated_wait_minutes"] == 95


def test_at_1210_the_staggered_window_calls_the_due_appointment_never_the_walk_in(live_hall):
    live_hall.clock.set(local("2026-11-26 11:50"))
    walk_in = take(live_hall, 1)[0].json()
    code = (
        live_hall.client("supervisor")
        .post("/appointments", json={"matter_id": 1, "resident_name": "张小三", "slot_start": "2026-11-26T12:30"})
        .json()["code"]
    )
    live_hall.clock.set(local("2026-11-26 12:10"))
    clerk = live_hall.client("clerk-2")
    assert clerk.post("/windows/2/call-next").json()["ticket"] is None
    checked_in = live_hall.client("kiosk").post("/tickets", json={"appointment_code": code}).json()
    assert hhmm(checked_in["expected_start_at"]) == "12:30"
    live_hall.clock.set(local("2026-11-26 12:30"))
    called = clerk.post("/windows/2/call-next").json()["ticket"]
    assert called["number"] == checked_in["number"] and called["number"] != walk_in["number"]


def test_saturday_duty_morning_checks_in_appointments_and_refuses_walk_ins(live_hall):
    live_hall.clock.set(local("2026-11-27 15:00"))  # booked the day before, as the hall's rules ask
    booked = live_hall.client("supervisor").post(
        "/appointments", json={"matter_id": 1, "resident_name": "李四", "slot_start": "2026-11-28T09:30"}
    )
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    live_hall.clock.set(local("2026-11-28 09:20"))
    walk_in = take(live_hall, 1)[0]
    assert walk_in.status_code == 409 and walk_in.json()["error"]["code"] == "appointment_only"
    ticket = live_hall.client("kiosk").post("/tickets", json={"appointment_code": code})
    assert ticket.status_code == 201 and hhmm(ticket.json()["expected_start_at"]) == "09:30"


def test_makeup_saturday_evening_has_the_same_cutoff_as_a_working_day(live_hall):
    live_hall.clock.set(local("2026-10-10 17:25"))  # 调休上班 after National Day
    answers = take(live_hall, 5)
    assert [r.status_code for r in answers] == [201] * 4 + [409]


def test_new_years_day_2027_is_closed_and_names_monday_morning(live_hall):
    live_hall.clock.set(local("2027-01-01 10:00"))
    r = take(live_hall, 1)[0]
    assert r.status_code == 409 and r.json()["error"]["code"] == "hall_closed"
    assert r.json()["error"]["details"]["next_open_at"].startswith("2027-01-04T09:00")


def test_terminal_load_line_at_1730_counts_only_the_window_on_duty(live_hall):
    live_hall.clock.set(local("2026-11-26 17:20"))
    take(live_hall, 7, accept_late_risk=True)
    live_hall.clock.set(local("2026-11-26 17:30"))
    load = live_hall.client("clerk-1").get("/windows/1/desk").json()["load"]
    assert load["windows"] == 1 and load["waiting"] == 7 and hhmm(load["closes_at"]) == "18:30"
    assert load["unreachable"] > 0 and load["over"] is True


def test_at_1800_a_booked_resident_behind_a_long_service_is_told_at_check_in_and_may_take_the_number(live_hall):
    live_hall.clock.set(local("2026-11-26 17:00"))
    booked = live_hall.client("supervisor").post(
        "/appointments", json={"matter_id": 1, "resident_name": "王五", "slot_start": "2026-11-26T18:00"}
    )
    assert booked.status_code == 201, booked.text
    live_hall.clock.set(local("2026-11-26 17:55"))
    take(live_hall, 1)
    clerk = live_hall.client("clerk-1")
    clerk.post("/windows/1/call-next").raise_for_status()
    clerk.post("/windows/1/start").raise_for_status()  # a 25-minute matter: window 1 busy until about 18:20
    live_hall.clock.set(local("2026-11-26 18:00"))
    kiosk = live_hall.client("kiosk")
    told = kiosk.post("/tickets", json={"appointment_code": booked.json()["code"]})
    assert told.status_code == 409 and told.json()["error"]["code"] == "closing_soon"
    assert told.json()["error"]["details"]["consent_possible"] is True
    taken = kiosk.post("/tickets", json={"appointment_code": booked.json()["code"], "accept_late_risk": True})
    assert taken.status_code == 201 and taken.json()["late_risk_accepted"] is True
    assert hhmm(taken.json()["expected_start_at"]) == "18:20"
