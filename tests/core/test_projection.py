"""The day's projection at the margins: lunch, 错时 windows, 延时 evenings, closing, holidays."""

from datetime import datetime, timedelta

import pytest

from hall_server.core.clock import CHINA
from hall_server.core.hall_config import pilot_hall_config
from hall_server.core.projection import LineItem, WindowState, project_day, walk_in_intervals
from hall_server.core.schedule import Schedule
from hall_server.core.working_calendar import WorkingCalendar

CUTOFF = timedelta(minutes=10)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@pytest.fixture
def schedule():
    return Schedule(pilot_hall_config(), WorkingCalendar())


def walk_ins(now: datetime, n: int, minutes: float = 25) -> list[LineItem]:
    return [LineItem(i + 1, "walk_in", now, minutes) for i in range(n)]


def staffed(*numbers: int, busy: float = 0.0) -> list[WindowState]:
    return [WindowState(n, present=True, busy_minutes=busy) for n in numbers]


def project(schedule, now, windows, line):
    return project_day(now, schedule.periods(now.date()), windows, line, cutoff=CUTOFF, max_streak=3)


def starts(p, ids=None):
    return [
        (s.start.strftime("%H:%M") if s.start else None) for i, s in sorted(p.starts.items()) if not ids or i in ids
    ]


def test_at_1725_only_window_1_stays_so_the_sixth_25_minute_ticket_cannot_start(schedule):
    now = at("2026-11-26 17:25")
    p = project(schedule, now, staffed(1, 2, 3), walk_ins(now, 9))
    assert starts(p) == ["17:25", "17:25", "17:25", "17:50", "18:15", None, None, None, None]
    assert p.unreachable == [6, 7, 8, 9]


def test_at_1729_window_1_serves_the_evening_until_the_cutoff_at_1820(schedule):
    now = at("2026-11-26 17:29")
    p = project(schedule, now, staffed(1, 2, 3), walk_ins(now, 6))
    assert starts(p) == ["17:29", "17:29", "17:29", "17:54", "18:19", None]


def test_at_1820_a_ticket_with_nobody_ahead_starts_and_the_next_cannot(schedule):
    now = at("2026-11-26 18:20")
    p = project(schedule, now, staffed(1), walk_ins(now, 2))
    assert starts(p) == ["18:20", None]
    assert p.last_start == at("2026-11-26 18:20")


def test_at_1155_the_fourth_ticket_waits_across_lunch_and_says_so(schedule):
    now = at("2026-11-26 11:55")
    p = project(schedule, now, staffed(1, 2, 3), walk_ins(now, 4))
    assert starts(p) == ["11:55", "11:55", "11:55", "13:30"]
    assert p.starts[4].after_break and not p.starts[1].after_break
    assert p.minutes_until(4) == 95


def test_at_1210_the_staggered_window_takes_a_due_appointment_but_no_walk_in(schedule):
    now = at("2026-11-26 12:10")
    line = [
        LineItem(1, "walk_in", at("2026-11-26 11:50"), 10),
        LineItem(2, "appointment", at("2026-11-26 12:05"), 15, due_at=at("2026-11-26 12:30")),
    ]
    p = project(schedule, now, staffed(1, 2, 3), line)
    assert p.starts[2].window == 2 and p.starts[2].start == at("2026-11-26 12:30")
    assert p.starts[1].start == at("2026-11-26 13:30") and p.starts[1].window == 1


def test_a_booked_appointment_takes_its_slot_before_a_walk_in_waiting_since_earlier(schedule):
    now = at("2026-11-26 10:00")
    line = [
        LineItem(1, "walk_in", now, 30),
        LineItem(2, "walk_in", now, 30),
        LineItem(
            -7,
            "appointment",
            at("2026-11-26 10:20"),
            20,
            due_at=at("2026-11-26 10:20"),
            arrives_at=at("2026-11-26 10:20"),
        ),
    ]
    p = project(schedule, now, staffed(1), line)
    assert p.starts[-7].start == at("2026-11-26 10:30")  # first free window after its slot begins
    assert p.starts[2].start == at("2026-11-26 10:50")


def test_a_paused_window_is_not_counted_until_its_segment_ends(schedule):
    now = at("2026-11-26 10:00")
    windows = [WindowState(1, present=True), WindowState(2, present=False), WindowState(3, present=True)]
    p = project(schedule, now, windows, walk_ins(now, 3, 30))
    assert starts(p) == ["10:00", "10:00", "10:30"]


def test_a_window_closed_for_the_day_never_serves(schedule):
    now = at("2026-11-26 16:00")
    windows = [WindowState(1, present=True), WindowState(2, present=False, closed_for_day=True)]
    p = project(schedule, now, windows, walk_ins(now, 2, 30))
    assert {s.window for s in p.starts.values()} == {1}


def test_services_in_progress_delay_the_line(schedule):
    now = at("2026-11-26 10:00")
    p = project(schedule, now, staffed(1, 2, busy=4), walk_ins(now, 3, 10))
    assert starts(p) == ["10:04", "10:04", "10:14"]


def test_before_anyone_signs_in_the_scheduled_windows_are_assumed(schedule):
    now = at("2026-11-26 08:55")
    windows = [WindowState(n, present=False) for n in (1, 2, 3)]
    p = project(schedule, now, windows, walk_ins(now, 4, 6))
    assert starts(p) == ["09:00", "09:00", "09:00", "09:06"] and p.basis == "scheduled"


def test_saturday_duty_morning_serves_appointments_only(schedule):
    now = at("2026-11-28 09:30")
    line = [
        LineItem(1, "walk_in", now, 10),
        LineItem(2, "appointment", now, 15, due_at=at("2026-11-28 09:30")),
    ]
    p = project(schedule, now, staffed(1), line)
    assert p.starts[2].start == now and p.starts[1].start is None


def test_makeup_saturday_serves_walk_ins_all_day(schedule):
    now = at("2026-10-10 17:00")  # 调休上班
    p = project(schedule, now, staffed(1, 2, 3), walk_ins(now, 4, 25))
    assert starts(p) == ["17:00", "17:00", "17:00", "17:25"]


def test_new_years_day_2027_is_closed_so_nothing_is_reachable(schedule):
    now = at("2027-01-01 10:00")
    assert schedule.periods(now.date()) == []
    p = project(schedule, now, staffed(1, 2, 3), walk_ins(now, 1))
    assert p.unreachable == [1] and p.basis == "closed"


def test_the_walk_in_day_and_its_closing_are_the_same_whatever_order_the_periods_come_in(schedule):
    # 13:30-17:30 and the 延时 17:30-18:30 are one afternoon; the 错时 lunch serves appointments only.
    periods = schedule.periods(at("2026-11-26 00:00").date())
    day = [(at("2026-11-26 09:00"), at("2026-11-26 12:00")), (at("2026-11-26 13:30"), at("2026-11-26 18:30"))]
    assert walk_in_intervals(periods) == day
    assert walk_in_intervals(periods[::-1]) == day
