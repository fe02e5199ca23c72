"""When the pilot hall serves: Chinese working days, breaks, extra slots, closing projections."""

from datetime import datetime

import pytest

from hall_server.core.clock import CHINA
from hall_server.core.duty_days import parse_duty_day
from hall_server.core.hall_config import pilot_hall_config
from hall_server.core.schedule import Schedule
from hall_server.core.working_calendar import WorkingCalendar


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@pytest.fixture
def schedule():
    return Schedule(pilot_hall_config(), WorkingCalendar())


def test_makeup_saturday_opens_all_windows_for_walk_ins(schedule):
    moment = schedule.moment(at("2026-10-10 10:00"))  # 调休 Saturday after National Day
    assert moment.walk_in and moment.windows_on_duty == {1, 2, 3}


def test_ordinary_saturday_morning_is_appointment_only_at_one_window(schedule):
    moment = schedule.moment(at("2026-11-28 10:00"))
    assert moment.open and not moment.walk_in and moment.windows_on_duty == {1}


def test_lunch_break_serves_only_appointments_and_reopens_for_walk_ins_at_1330(schedule):
    now = at("2026-11-26 12:05")
    assert not schedule.moment(now).walk_in
    assert schedule.next_open_at(now) == at("2026-11-26 13:30")


def test_national_day_holiday_is_closed_until_the_first_working_day(schedule):
    assert not schedule.moment(at("2026-10-05 10:00")).open
    assert schedule.next_open_at(at("2026-10-05 10:00")) == at("2026-10-08 09:00")


def test_2027_uses_the_weekend_fallback_so_monday_4_january_opens(schedule):
    moment = schedule.moment(at("2027-01-04 09:30"))
    assert moment.walk_in and moment.windows_on_duty == {1, 2, 3}


def test_extended_evening_slot_keeps_only_window_1_on_duty(schedule):
    assert schedule.moment(at("2026-11-26 17:45")).windows_on_duty == {1}


def test_override_holiday_closes_a_2027_weekday(schedule):
    cal = WorkingCalendar({"2027-01-01": ("holiday", "元旦")})
    s = Schedule(pilot_hall_config(), cal)
    assert not s.moment(at("2027-01-01 10:00")).walk_in
    assert s.next_open_at(at("2027-01-01 10:00")) == at("2027-01-04 09:00")


def duty_calendar(day: str, hours: list[str], windows: list[int], appointment_only: bool) -> WorkingCalendar:
    duty = parse_duty_day(hours, windows, appointment_only, "值班", pilot_hall_config().window_numbers)
    return WorkingCalendar({day: {"kind": "duty", "note": "值班", "duty": duty}})


def test_a_national_day_duty_day_serves_its_own_hours_at_its_own_windows():
    s = Schedule(pilot_hall_config(), duty_calendar("2026-10-05", ["09:00-11:30"], [1], True))
    assert [
        (p.kind, p.start, p.end, p.windows, p.appointment_only) for p in s.periods(at("2026-10-05 00:00").date())
    ] == [("holiday", at("2026-10-05 09:00"), at("2026-10-05 11:30"), frozenset({1}), True)]
    assert s.window_role(at("2026-10-05 10:00"), 1) == "appointments"  # the desk calls appointments only
    assert s.window_role(at("2026-10-05 10:00"), 2) is None
    # Appointment-only: the next walk-in opening is still after the holiday, the next period is the duty morning.
    assert s.next_open_at(at("2026-10-04 10:00")) == at("2026-10-08 09:00")
    assert s.next_period_at(at("2026-10-04 10:00")) == at("2026-10-05 09:00")


def test_a_walk_in_duty_day_opens_for_walk_ins_and_is_still_a_rest_day_for_deadlines():
    cal = duty_calendar("2026-10-05", ["09:00-11:30", "14:00-16:00"], [1, 2], False)
    s = Schedule(pilot_hall_config(), cal)
    assert s.next_open_at(at("2026-10-04 10:00")) == at("2026-10-05 09:00")
    assert s.next_open_at(at("2026-10-05 10:00")) == at("2026-10-05 14:00")
    assert s.moment(at("2026-10-05 15:00")).windows_on_duty == {1, 2}
    assert not cal.is_working_day("2026-10-05") and cal.day_info("2026-10-05").holiday_name == "国庆节"
    assert cal.add_working_days("2026-09-30", 1) == cal.add_working_days("2026-10-07", 1)


def test_a_duty_day_on_a_2027_fallback_weekday_replaces_the_regular_hours():
    s = Schedule(pilot_hall_config(), duty_calendar("2027-10-05", ["09:00-11:30"], [1], True))
    assert not s.moment(at("2027-10-05 14:00")).open
    assert s.duty_day(at("2027-10-05 00:00").date()) == {
        "name": "节假日受理",
        "note": "值班",
        "appointment_only": True,
        "hours": ["09:00-11:30"],
        "windows": [1],
    }


def test_the_hall_files_saturday_slot_is_todays_duty_day_and_an_ordinary_weekday_has_none(schedule):
    assert schedule.duty_day(at("2026-11-28 00:00").date())["hours"] == ["09:00-11:30"]
    assert schedule.duty_day(at("2026-11-27 00:00").date()) is None
