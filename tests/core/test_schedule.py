"""When the pilot hall serves: Chinese working days, breaks, extra slots, closing projections."""

from datetime import datetime

import pytest

from hall_server.core.clock import CHINA
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
