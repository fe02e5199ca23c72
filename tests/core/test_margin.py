"""The consent check's safety margin: near closing the spread of the work ahead decides, not its mean."""

from datetime import datetime, timedelta

import pytest

from hall_server.core.clock import CHINA
from hall_server.core.hall_config import pilot_hall_config
from hall_server.core.handling import PRIOR_CV, Service, learn
from hall_server.core.margin import reachable_without_consent, spread_of_starts, walk_in_windows_at
from hall_server.core.projection import LineItem, WindowState, project_day
from hall_server.core.schedule import Schedule
from hall_server.core.working_calendar import WorkingCalendar

CUTOFF = timedelta(minutes=10)
K = 2.0


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@pytest.fixture
def schedule():
    return Schedule(pilot_hall_config(), WorkingCalendar())


def line(now: datetime, n: int, minutes: float, spread: float) -> list[LineItem]:
    return [LineItem(i + 1, "walk_in", now, minutes, spread=spread) for i in range(n)]


def staffed(*numbers: int, busy: float = 0.0, busy_spread: float = 0.0) -> list[WindowState]:
    return [WindowState(n, present=True, busy_minutes=busy, busy_spread=busy_spread) for n in numbers]


def project(schedule, now, windows, items):
    return project_day(now, schedule.periods(now.date()), windows, items, cutoff=CUTOFF, max_streak=3)


def safe(schedule, now, windows, items, ticket_id, k=K) -> bool:
    p = project(schedule, now, windows, items)
    serving = walk_in_windows_at(schedule.periods(now.date()), windows)
    replay = lambda i, w: project(schedule, now, w, i)  # noqa: E731
    return reachable_without_consent(p, items, windows, ticket_id, replay, k, serving)


def start_sd(schedule, now, windows, items, ticket_id) -> float:
    return spread_of_starts(project(schedule, now, windows, items), items, windows, K).start_sd[ticket_id]


def test_in_the_evening_hour_a_ticket_behind_uncertain_services_needs_consent_though_its_mean_start_fits(schedule):
    now = at("2026-11-26 17:40")
    items = line(now, 4, 12, 6)  # window 1 alone: starts 17:40, 17:52, 18:04, 18:16 (last start 18:20)
    p = project(schedule, now, staffed(1), items)
    assert p.starts[4].start == at("2026-11-26 18:16")
    assert not safe(schedule, now, staffed(1), items, 4)
    assert safe(schedule, now, staffed(1), items, 2)  # one service ahead: 17:52 + 2·6 min fits


def test_services_of_exactly_known_length_leave_no_margin(schedule):
    now = at("2026-11-26 17:40")
    items = line(now, 4, 12, 0)
    assert safe(schedule, now, staffed(1), items, 4)


def test_the_uncertainty_grows_with_the_square_root_of_the_services_ahead(schedule):
    now = at("2026-11-26 17:31")
    items = line(now, 5, 8, 3)
    sds = [start_sd(schedule, now, staffed(1), items, i) for i in (1, 2, 5)]
    assert sds == pytest.approx([0.0, 3.0, 6.0])  # 0, √1·3, √4·3


def test_the_service_in_progress_counts_with_its_own_spread(schedule):
    now = at("2026-11-26 18:00")
    items = line(now, 1, 10, 5)
    windows = staffed(1, busy=15, busy_spread=8)  # projected start 18:15; σ 8 min pushes it past 18:20
    p = project(schedule, now, windows, items)
    assert p.starts[1].start == at("2026-11-26 18:15")
    assert start_sd(schedule, now, windows, items, 1) == pytest.approx(8.0)
    assert not safe(schedule, now, windows, items, 1)


def test_lunch_absorbs_the_mornings_overruns_so_the_after_lunch_ticket_starts_with_no_margin(schedule):
    now = at("2026-11-26 11:55")
    items = line(now, 4, 25, 12.5)
    p = project(schedule, now, staffed(1, 2, 3), items)
    assert p.starts[4].start == at("2026-11-26 13:30") and p.starts[4].after_break
    assert start_sd(schedule, now, staffed(1, 2, 3), items, 4) == 0.0
    assert safe(schedule, now, staffed(1, 2, 3), items, 4)


def test_a_ticket_no_window_can_start_is_never_reachable(schedule):
    now = at("2026-11-26 18:20")
    items = line(now, 2, 25, 0)
    assert safe(schedule, now, staffed(1), items, 1)
    assert not safe(schedule, now, staffed(1), items, 2)


def test_a_ticket_at_a_window_that_closes_at_1730_needs_consent_if_an_overrun_hands_it_to_the_evening_window(
    schedule,
):
    now = at("2026-11-26 17:05")
    # Windows 2 and 3 stay until 17:30, window 1 until 18:30 (last start 18:20). Window 1 is busy
    # until 17:55 for sure; windows 2 and 3 with uncertain services until 17:27.
    windows = [
        WindowState(1, present=True, busy_minutes=50),
        *(WindowState(n, present=True, busy_minutes=22, busy_spread=8) for n in (2, 3)),
    ]
    items = [LineItem(i, "walk_in", now, 30, spread=1) for i in (1, 2)] + [LineItem(3, "walk_in", now, 10, spread=1)]
    p = project(schedule, now, windows, items)
    assert [p.starts[i].start for i in (1, 2, 3)] == [at("2026-11-26 17:27")] * 2 + [at("2026-11-26 17:55")]
    # Ticket 2's expected start plus two of its σ is far before the day's last start, but the replay
    # sees windows 2 and 3 run past 17:30 and ticket 2 queue at window 1 behind ticket 1, to 18:25.
    sd = spread_of_starts(p, items, windows, K).start_sd[2]
    assert p.starts[2].start + timedelta(minutes=K * sd) < p.last_start
    assert not safe(schedule, now, windows, items, 2)


def test_at_1000_three_windows_share_their_overruns_so_a_line_ending_at_1600_needs_no_consent(schedule):
    now = at("2026-11-26 10:00")
    items = line(now, 40, 25, 12.5)
    p = project(schedule, now, staffed(1, 2, 3), items)
    assert p.starts[35].start == at("2026-11-26 16:00") and p.starts[40].start == at("2026-11-26 16:50")
    assert safe(schedule, now, staffed(1, 2, 3), items, 35, k=3)
    # The 40th waits on services running into 17:30, when two of the three windows leave.
    assert not safe(schedule, now, staffed(1, 2, 3), items, 40, k=3)


def test_a_matters_spread_is_the_prior_until_services_are_seen_then_learned_robustly():
    priors = {1: 20.0, None: 10.0}
    assert learn(priors, []).spread_for(1) == pytest.approx(PRIOR_CV * 20)
    steady = [Service(1, None, 60 * m) for m in [18, 19, 20, 21, 22] * 8]  # 40 services, σ ≈ 1.5 min
    lunch = [Service(1, None, 60 * 95)] * 3  # left open over lunch
    spread = learn(priors, steady + lunch).spread_for(1)
    assert spread < 5.0  # the three 95-minute services do not blow it up; the prior's 10 fades
    assert learn(priors, steady).spread_for(1) == pytest.approx(spread, abs=0.5)
