"""The bounded projection (each class read only as deep as can start today) equals the full replay.

Random lines (walk-ins, priority and return-lane tickets, transfers, due and early appointments,
booked arrivals), windows (present, paused, closed, busy, fast or slow clerks) and moments of
several kinds of day (weekday with lunch and 延时, Saturday duty morning, 调休 Saturday, holiday).
"""

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hall_server.core.clock import CHINA
from hall_server.core.hall_config import pilot_hall_config
from hall_server.core.projection import (
    LineItem,
    WindowState,
    bounded,
    project_day,
    start_bound,
    window_segments,
)
from hall_server.core.schedule import Schedule
from hall_server.core.working_calendar import WorkingCalendar

CUTOFF = timedelta(minutes=10)
SCHEDULE = Schedule(pilot_hall_config(), WorkingCalendar())
DAYS = ["2026-11-26", "2026-11-28", "2026-10-10", "2027-01-01"]  # weekday, duty Saturday, 调休, 元旦

item = st.tuples(
    st.sampled_from(["walk_in", "walk_in", "walk_in", "priority", "return", "appointment"]),
    st.integers(-120, 0),  # queued, minutes before now
    st.integers(-60, 120),  # appointment slot, minutes from now
    st.sampled_from([None] * 8 + [1, 2]),  # transferred to a window
    st.sampled_from([20.0, 25.0, 30.0, 45.0]),  # expected minutes (long: the bound bites early)
    st.booleans(),  # booked, still to arrive at its slot (appointments only)
)
window = st.tuples(
    st.booleans(),  # present
    st.sampled_from([False, False, False, True]),  # closed for the day
    st.sampled_from([0.0, 0.0, 7.5, 40.0]),  # busy minutes
    st.sampled_from([0.8, 1.0, 1.2]),  # clerk speed
)


def build(now: datetime, raw: list) -> list[LineItem]:
    line = []
    for i, (channel, queued, slot, target, minutes, booked) in enumerate(raw, start=1):
        due = now + timedelta(minutes=slot) if channel == "appointment" else None
        if channel == "appointment" and booked and due is not None and due >= now:
            line.append(LineItem(-i, channel, due, minutes, due, None, due))
        else:
            line.append(LineItem(i, channel, now + timedelta(minutes=queued), minutes, due, target))
    return line


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(DAYS),
    st.integers(8 * 60 + 30, 18 * 60 + 40),  # minute of the day
    st.lists(window, min_size=1, max_size=3),
    st.lists(item, max_size=60),
    st.integers(0, 3),  # priority streak so far
)
def test_reading_each_class_only_as_deep_as_can_start_today_projects_the_same_day(day, minute, ws, raw, streak):
    now = datetime.fromisoformat(day).replace(tzinfo=CHINA) + timedelta(minutes=minute)
    periods = SCHEDULE.periods(now.date())
    windows = [WindowState(n, p, c, b, s) for n, (p, c, b, s) in enumerate(ws, start=1)]
    line = build(now, raw)
    shortest = min((i.minutes for i in line), default=1.0) * min(w.speed for w in windows)
    k = start_bound(now, {w.number: window_segments(periods, w.number, CUTOFF) for w in windows}, windows, shortest)
    assert k is not None

    def project(items, until=None):
        return project_day(now, periods, windows, items, cutoff=CUTOFF, max_streak=2, streak=streak, until=until)

    full, part = project(line), project(bounded(line, k))
    assert part.starts == {i: full.starts[i] for i in part.starts}
    assert all(full.starts[i.id].start is None for i in line if i.id not in part.starts)
    assert (part.order, part.window_free_at, part.served, part.basis) == (
        full.order,
        full.window_free_at,
        full.served,
        full.basis,
    )
    for i in line[:5]:  # one ticket's estimate stops the replay once it is placed
        assert project(bounded(line, k), until=i.id).starts.get(i.id, full.starts[i.id]) == full.starts[i.id]


def test_late_in_the_day_the_bound_is_far_shorter_than_a_long_line():
    now = datetime(2026, 11, 26, 16, 0, tzinfo=CHINA)
    periods = SCHEDULE.periods(now.date())
    windows = [WindowState(n, True) for n in (1, 2, 3)]
    k = start_bound(now, {n: window_segments(periods, n, CUTOFF) for n in (1, 2, 3)}, windows, 10.0)
    # A start every 10 minutes at most: 16:00–18:20 at window 1 (15), 16:00–17:20 at windows 2 and 3
    # (9 each); the bound allows one more per segment for rounding to microseconds.
    assert 33 <= k <= 35
