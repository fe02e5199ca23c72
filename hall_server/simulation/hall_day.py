"""A discrete-event simulation of hall days (SimPy) that drives the REAL services on a virtual clock.

No HTTP and no copy of any rule: residents take numbers through :class:`Ticketing` (so the
consent check and the slip estimate are the server's projection), windows call, start, recall,
no-show and finish through :class:`WindowDesk` (so the calling order is queue_policy's), and the
hall's one voice reports each call it has said through :class:`CallAnnouncements` (so 过号 comes
when core/no_show_rule.py allows it), on a real SQLite database, with a FakeClock the simulation
moves. Arrivals and service times are
drawn from one seeded generator per day before the day runs, so ``--compare department-lines``
replays exactly the same residents.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import simpy
from sqlalchemy import update

from ..app_services import HallServer
from ..core.clock import FakeClock
from ..core.errors import Conflict, DomainError
from ..core.event_types import CALL_TYPES
from ..core.hall_config import HallConfig, parse_hall_config
from ..core.projection import walk_in_intervals, window_segments
from ..core.schedule import Schedule
from ..services.access import Principal
from ..services.appointments import BookingRequest
from ..services.hall_setup import add_staff
from ..services.projection import estimate_new
from ..services.ticketing import IssueRequest
from ..storage.event_log import events_after, last_event_id
from ..storage.models import Ticket
from ..storage.types import table_of
from .profile import CLASS_WEIGHT, HOURLY_RATE, MatterMix, Profile, poisson

SHARED, DEPARTMENT_LINES = "shared", "department-lines"
CLERK_SPEED = (0.95, 1.0, 1.1, 1.05, 0.9)  # true per-clerk factors the server has to learn
# A lone call said in full, as the announcer says it: chime (1.0 s + 0.2 s), the sentence (~3 s),
# 0.6 s, the sentence again; then it reports the call heard (display_board/announcer.py, measured in
# docs/voice.md). Calls made together are said one after another, so the last waits longest.
ANNOUNCE_MINUTES = 8.0 / 60


@dataclass
class Arrival:
    at: float  # minutes after local midnight
    kind: str  # walk_in / priority / appointment
    matter: MatterMix
    service: float  # true minutes at a typical clerk
    no_show: bool
    accepts_risk: bool
    slot: float | None = None  # appointments: slot start


@dataclass
class TicketRecord:
    id: int
    kind: str
    issued_at: float
    expected_start: float | None
    consented: bool
    called_at: float | None = None
    window: int | None = None


@dataclass
class DayResult:
    day: date
    tickets: list[TicketRecord] = field(default_factory=list)
    consent_prompts: int = 0
    declined: int = 0
    turned_away: int = 0  # hall closed or appointment-only at arrival
    residents: int = 0  # who came (the same in a what-if and its baseline)
    duty_minutes: dict[int, float] = field(default_factory=dict)
    busy_minutes: dict[int, float] = field(default_factory=dict)
    closing: float | None = None


def minutes_of(t: datetime, midnight: datetime) -> float:
    return (t - midnight).total_seconds() / 60.0


def with_what_ifs(text: str, windows: int | None, slots: list[str]) -> str:
    """The hall TOML with a different number of windows and extra slots (what-if runs).

    ``slots``: "mon,tue 09:00-12:00 4" or "all 17:30-18:30 1,2 appointments" — weekdays
    (mon…sun or all), the time range, the windows on duty, and optionally "appointments".
    """
    if windows is not None:
        text = re.sub(r"\[\[windows\]\]\s*\nnumber = \d+\s*\nname = \"[^\"]*\"\s*\n", "", text)
        text += "".join(f'\n[[windows]]\nnumber = {n}\nname = "综合窗口{n}"\n' for n in range(1, windows + 1))
    days = {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday"}
    days |= {"sat": "saturday", "sun": "sunday"}
    for i, spec in enumerate(slots):
        parts = spec.split()
        if len(parts) not in (3, 4) or "-" not in parts[1]:
            raise ValueError(spec)
        weekdays = [] if parts[0] == "all" else [days[d] for d in parts[0].split(",")]
        start, end = parts[1].split("-")
        text += (
            f'\n[[slots]]\nname = "假设时段{i + 1}"\nkind = "extended"\ndays = "working_days"\n'
            f'start = "{start}"\nend = "{end}"\nwindows = [{parts[2]}]\n'
            f"appointment_only = {'true' if len(parts) == 4 and parts[3] == 'appointments' else 'false'}\n"
            + (f"weekdays = {weekdays!r}\n".replace("'", '"') if weekdays else "")
        )
    return text


class HallSimulation:
    """One hall on one database, simulated day after day (learned handling times carry over)."""

    def __init__(
        self,
        config_text: str,
        profile: Profile | None = None,
        mode: str = SHARED,
        workdir: Path | None = None,
        demand_text: str | None = None,
    ) -> None:
        """``demand_text``: the hall as it is, when ``config_text`` is a what-if of it (other windows):
        how many residents come is set by the real hall's duty, so a what-if serves the same residents
        (same seed, same arrivals) and only the windows differ."""
        # In memory-backed /dev/shm when there is one: the database is scratch, its speed is not the subject.
        shm = Path("/dev/shm")
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="yichuang-sim-", dir=shm if shm.is_dir() else None)
            workdir = Path(self._tmp.name)
        self.workdir = workdir
        self.config: HallConfig = parse_hall_config(config_text, "simulated hall")
        self.clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=self.config.timezone))
        self.server = HallServer.open(f"sqlite:///{self.workdir / 'sim.db'}", [self.config], clock=self.clock)
        services = self.server.services
        self.hall_id = services.halls.all_ids()[0]
        self.ctx = services.halls.get(self.hall_id)
        self.mode = mode
        self.kiosk = Principal(self.hall_id, "kiosk", "simulated kiosk")
        self.supervisor = Principal(self.hall_id, "supervisor", "simulated supervisor")
        self.announcer = Principal(self.hall_id, "board", "simulated announcer")
        self.clerks: dict[int, Principal] = {}
        self.speed: dict[int, float] = {}
        for i, n in enumerate(self.config.window_numbers):
            staff_no = f"SIM{n:03d}"
            add_staff(services, self.hall_id, staff_no, f"模拟窗口{n}")
            self.clerks[n] = Principal(self.hall_id, "clerk", f"simulated clerk {n}", n)
            self.server.windows.sign_in(self.supervisor, n, staff_no, "A")  # the supervisor posts the clerks
            self.speed[n] = CLERK_SPEED[i % len(CLERK_SPEED)]
        self.profile = self._with_mix(profile or Profile())
        self.department_window = self._departments_to_windows()
        demand = parse_hall_config(demand_text, "simulated hall") if demand_text else self.config
        self.demand = (demand.window_numbers, Schedule(demand, self.ctx.calendar) if demand_text else self.ctx.schedule)

    def close(self) -> None:
        self.server.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    # --- setup ---------------------------------------------------------------------------
    def _with_mix(self, profile: Profile) -> Profile:
        if profile.mix:
            return profile
        mix = tuple(
            MatterMix(
                mid,
                m.matter.department,
                CLASS_WEIGHT.get(m.matter.matter_class, 1.0),
                m.matter.handling_minutes * profile.speed_vs_catalog,
            )
            for mid, m in sorted(self.ctx.matters.items())
            if m.active
        )
        return Profile(**{**profile.__dict__, "mix": mix})

    def _departments_to_windows(self) -> dict[str, int]:
        """The old way: each department its own window, departments spread to balance the load."""
        load: dict[str, float] = {}
        for m in self.profile.mix:
            load[m.department] = load.get(m.department, 0.0) + m.weight * m.mean_minutes
        windows = dict.fromkeys(self.config.window_numbers, 0.0)
        result = {}
        for dept, work in sorted(load.items(), key=lambda kv: -kv[1]):
            n = min(windows, key=lambda w: (windows[w], w))
            result[dept] = n
            windows[n] += work
        return result

    # --- one day --------------------------------------------------------------------------
    def working_days(self, start: date, count: int) -> Iterator[date]:
        d, found = start, 0
        while found < count:
            if self.ctx.calendar.is_working_day(d) and self.ctx.schedule.periods(d):
                found += 1
                yield d
            d += timedelta(days=1)

    def arrivals(self, day: date, rng: random.Random) -> list[Arrival]:
        p = self.profile
        tz = self.config.timezone
        midnight = datetime.combine(day, datetime.min.time(), tz)
        periods = self.ctx.schedule.periods(day)
        walk = walk_in_intervals(periods)
        demand_windows, demand_schedule = self.demand
        demand_periods = demand_schedule.periods(day)
        capacity = sum(
            minutes_of(min(s.end, s.last_start), midnight) - minutes_of(s.start, midnight)
            for n in demand_windows
            for s in window_segments(demand_periods, n, timedelta(0))
            if s.role == "walk_in"
        )
        daily = p.daily_tickets(capacity)
        bins = []
        for a, b in walk:
            t = minutes_of(a, midnight)
            while t < minutes_of(b, midnight):
                bins.append((t, min(5.0, minutes_of(b, midnight) - t)))
                t += 5.0
        weight = sum(HOURLY_RATE.get(int(t // 60), 0.5) * w for t, w in bins) or 1.0
        result: list[Arrival] = []
        walk_in_count = daily * (1 - p.appointment_share)
        for t, width in bins:
            lam = walk_in_count * HOURLY_RATE.get(int(t // 60), 0.5) * width / weight
            for _ in range(poisson(rng, lam)):
                m = p.pick_matter(rng)
                kind = "priority" if rng.random() < p.priority_share else "walk_in"
                result.append(
                    Arrival(
                        t + rng.random() * width,
                        kind,
                        m,
                        p.service_minutes(rng, m.mean_minutes),
                        rng.random() < p.no_show,
                        rng.random() < p.consent_accept,
                    )
                )
        slots = [
            minutes_of(pr.start, midnight) + k * 30
            for pr in periods
            for k in range(int((pr.end - pr.start).total_seconds() // 1800))
        ]
        for _ in range(poisson(rng, daily * p.appointment_share) if slots else 0):
            m = p.pick_matter(rng)
            slot = rng.choice(slots)
            result.append(
                Arrival(
                    slot - rng.random() * 20,
                    "appointment",
                    m,
                    p.service_minutes(rng, m.mean_minutes),
                    rng.random() < p.appointment_no_show,
                    True,
                    slot,
                )
            )
        return sorted(result, key=lambda a: a.at)

    def run_day(self, day: date, seed: int) -> DayResult:
        rng = random.Random(f"{seed}:{day.isoformat()}")
        arrivals = self.arrivals(day, rng)
        return self._simulate(day, arrivals)

    def _simulate(self, day: date, arrivals: list[Arrival], until: float | None = None) -> DayResult:
        tz = self.config.timezone
        midnight = datetime.combine(day, datetime.min.time(), tz)
        env = simpy.Environment(initial_time=8 * 60)
        result = DayResult(day, residents=len(arrivals))
        walk = walk_in_intervals(self.ctx.schedule.periods(day))
        result.closing = minutes_of(walk[-1][1], midnight) if walk else None
        state: dict[str, Any] = {"line": env.event(), "calls": env.event(), "records": {}, "service": {}}
        self._env, self._midnight, self._state = env, midnight, state

        def tick() -> datetime:
            now = midnight + timedelta(minutes=env.now)
            self.clock.set(now)
            return now

        def signal(name: str) -> None:
            event = state[name]
            state[name] = env.event()
            event.succeed()

        def line_changed() -> None:
            signal("line")

        with self.server.db.read() as conn:  # calls of earlier days were said on their day
            said = last_event_id(conn)

        def announcer() -> Generator[simpy.Event, Any, None]:
            # The hall's voice, as `yichuang announcer` runs it: it follows the event log, says each
            # call and recall in turn, and reports each one once it has been said in full.
            nonlocal said
            while True:
                with self.server.db.read() as conn:
                    events = events_after(conn, said, hall_id=self.hall_id)
                said = events[-1].id if events else said
                calls = [e for e in events if e.type in CALL_TYPES]
                if not events:
                    yield state["calls"]
                    continue
                for e in calls:
                    yield env.timeout(ANNOUNCE_MINUTES)
                    tick()
                    self.server.announcements.record(self.announcer, e.id, "simulated announcer")

        tick()
        codes: dict[int, str] = {}
        for i, a in enumerate(arrivals):
            if a.kind == "appointment" and a.slot is not None:
                request = BookingRequest(
                    resident_name="模拟居民",
                    slot_start=midnight + timedelta(minutes=a.slot),
                    matter_id=a.matter.matter_id,
                )
                try:  # booked by the hall's real rules (capacity, slot grid, bookable matters)
                    codes[i] = self.server.appointments.book(self.hall_id, request)["code"]
                except DomainError:
                    pass  # no seat for this resident: comes as a walk-in instead

        def resident(i: int, a: Arrival) -> Generator[simpy.Event, Any, None]:
            yield env.timeout(max(0.0, a.at - env.now))
            if a.kind == "appointment" and a.no_show:
                return
            tick()
            request = IssueRequest(
                matter_id=a.matter.matter_id,
                priority_group="elderly" if a.kind == "priority" else None,
                appointment_code=codes.get(i),
            )
            consented = False
            try:
                view = self.server.tickets.issue(self.kiosk, request)
            except Conflict as exc:
                if exc.code != "closing_soon":
                    result.turned_away += 1
                    return
                result.consent_prompts += 1
                if not a.accepts_risk:
                    result.declined += 1
                    return
                consented = True
                view = self.server.tickets.issue(self.kiosk, replace(request, accept_late_risk=True))
            if self.mode == DEPARTMENT_LINES:
                self._to_department_window(view["id"], a.matter.department)
            expected = view.get("expected_start_at")
            record = TicketRecord(
                view["id"],
                a.kind,
                env.now,
                minutes_of(datetime.fromisoformat(expected), midnight) if expected else None,
                consented,
            )
            state["records"][view["id"]] = record
            state["service"][view["id"]] = a
            result.tickets.append(record)
            line_changed()

        def window(n: int) -> Generator[simpy.Event, Any, None]:
            clerk = self.clerks[n]
            segments = window_segments(self.ctx.schedule.periods(day), n, timedelta(0))
            result.duty_minutes[n] = sum((s.end - s.start).total_seconds() / 60 for s in segments)
            result.busy_minutes[n] = 0.0
            while True:
                now = tick()
                current = next((s for s in segments if s.start <= now < s.end), None)
                if current is None:
                    later = [s.start for s in segments if s.start > now]
                    if not later:
                        return
                    yield env.timeout(minutes_of(later[0], midnight) - env.now)
                    continue
                try:
                    called = self.server.windows.call_next(clerk, n)["ticket"]
                except Conflict:
                    called = None
                if called is None:
                    # Idle: look again when someone takes a number, the duty segment ends, or (serving
                    # appointments only) the next half-hour slot begins.
                    wait = max(0.5, minutes_of(current.end, midnight) - env.now)
                    if current.role == "appointments":
                        wait = min(wait, 30 - env.now % 30 or 30)
                    yield state["line"] | env.timeout(wait)
                    continue
                signal("calls")
                record = state["records"].get(called["id"])
                arrival: Arrival = state["service"][called["id"]]
                if record is not None:
                    record.called_at, record.window = env.now, n
                if arrival.no_show:
                    began = env.now
                    yield env.timeout(2)
                    tick()
                    self.server.windows.recall(clerk, n)
                    signal("calls")
                    while True:
                        # 过号 once the terminal allows it: the calls heard, the walk-up wait over.
                        yield env.timeout(1)
                        tick()
                        try:
                            self.server.windows.no_show(clerk, n)
                            break
                        except Conflict as exc:
                            if exc.code == "no_show_recall_needed":  # the hall wants more calls
                                self.server.windows.recall(clerk, n)
                                signal("calls")
                            elif not exc.code.startswith("no_show_"):
                                raise
                    result.busy_minutes[n] += env.now - began
                    continue
                self.server.windows.start(clerk, n)
                minutes = arrival.service * self.speed[n]
                yield env.timeout(minutes)
                tick()
                self.server.windows.finish(clerk, n)
                result.busy_minutes[n] += minutes

        for i, a in enumerate(arrivals):
            env.process(resident(i, a))
        for n in self.config.window_numbers:
            env.process(window(n))
        if self.config.announcer.present:  # a hall without a voice shows its calls (the rule counts those)
            env.process(announcer())
        env.run(until=until if until is not None else 24 * 60)
        return result

    def _to_department_window(self, ticket_id: int, department: str) -> None:
        # The old way, played with the real calling rule: a ticket sent to a window is called only there.
        T = table_of(Ticket)
        with self.server.db.write() as conn:
            conn.execute(update(T).where(T.c.id == ticket_id).values(target_window=self.department_window[department]))

    # --- the projection the server uses, for the agreement test --------------------------
    def preview_new_ticket(self, matter_id: int | None) -> dict[str, Any]:
        """What POST /tickets would project for a walk-in now (the server's own function)."""
        with self.server.db.read() as conn:
            estimate, projection = estimate_new(conn, self.ctx, self.clock.now(), "walk_in", matter_id, None)
        return {
            "waiting_ahead": estimate.waiting_ahead,
            "expected_start_at": estimate.expected_start.astimezone(self.config.timezone).isoformat()
            if estimate.expected_start
            else None,
            "estimated_wait_minutes": estimate.minutes,
        }
