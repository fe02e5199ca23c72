"""One projection of the day: when each waiting ticket is expected to start, and at which window.

The kiosk consent, the slip estimate, the board, the terminal's load line, the phone page, the
supervisor's projection page and the simulator all read this one function, so they cannot
disagree. It replays the rest of today window by window: every window that frees first takes the
ticket :func:`queue_policy.choose_next` would give it at that instant, and only in the time the
schedule has it on duty in a role that may serve that ticket (a 错时 window serving appointments
only takes only appointments whose slot has begun). Windows present now keep their clerk; windows
on duty but unstaffed or paused now are assumed back when their current duty segment ends; windows
closed for the day never come back. A ticket that no window can start before its last period ends
(minus the hall's closing margin) has no start: it is *unreachable* and is never issued silently.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .queue_policy import PRIORITY_CHANNELS, Candidate, choose_next
from .schedule import Period

WALK_IN, APPOINTMENTS = "walk_in", "appointments"


@dataclass(frozen=True)
class LineItem:
    """A ticket in the line, or one that will join it (a booked appointment arrives at its slot)."""

    id: int
    channel: str  # walk_in / priority / return / appointment
    queued_at: datetime
    minutes: float  # expected handling time
    due_at: datetime | None = None
    target_window: int | None = None
    arrives_at: datetime | None = None  # None: waiting already
    spread: float = 0.0  # σ of the handling time in minutes (the consent margin, core/margin.py)

    def candidate(self) -> Candidate:
        return Candidate(self.id, self.channel, self.queued_at, self.due_at, self.target_window)


@dataclass(frozen=True)
class WindowState:
    number: int
    present: bool  # staffed and open now
    closed_for_day: bool = False
    busy_minutes: float = 0.0  # what is probably left of the service in progress
    speed: float = 1.0  # the clerk's mild speed factor on handling times
    busy_spread: float = 0.0  # σ of what is left of the service in progress (core/margin.py)


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    role: str  # WALK_IN or APPOINTMENTS
    last_start: datetime  # the latest instant a service may start here (closing margin applied)


@dataclass(frozen=True)
class Projected:
    ticket_id: int
    start: datetime | None  # None: cannot start today before the last period ends
    window: int | None
    after_break: bool  # walk-in service stops between now and the start (lunch)


@dataclass(frozen=True)
class DayProjection:
    now: datetime
    starts: dict[int, Projected]
    window_free_at: dict[int, datetime]  # when each window finishes its last projected service
    served: dict[int, int]  # projected services per window
    closing: datetime | None  # end of the day's last walk-in period
    last_start: datetime | None  # the latest start a walk-in ticket may have (the cut-off)
    basis: str  # staffed / scheduled / closed
    order: list[int] = field(default_factory=list)  # ticket ids in projected start order

    def minutes_until(self, ticket_id: int) -> int | None:
        p = self.starts.get(ticket_id)
        if p is None or p.start is None:
            return None
        return max(0, -int(-(p.start - self.now).total_seconds() // 60))

    @property
    def unreachable(self) -> list[int]:
        return [i for i, p in self.starts.items() if p.start is None]

    @property
    def line_end(self) -> datetime | None:
        """When the last reachable ticket's service is expected to end."""
        return max(self.window_free_at.values(), default=None) if self.starts else None


def walk_in_intervals(periods: Sequence[Period]) -> list[tuple[datetime, datetime]]:
    """The day's walk-in service as merged (start, end) intervals in time order. Sorted here, not
    trusted from the caller: merging only compares neighbours, so periods out of order would leave
    overlaps unmerged and put the day's closing (the last interval's end) at an earlier one."""
    merged: list[list[datetime]] = []
    for p in sorted(periods, key=lambda p: p.start):
        if p.appointment_only:
            continue
        if merged and p.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], p.end)
        else:
            merged.append([p.start, p.end])
    return [(a, b) for a, b in merged]


def window_segments(periods: Sequence[Period], window: int, cutoff: timedelta) -> list[Segment]:
    """The window's duty of the day as segments of one role; the closing margin guards the hall's
    closing only (a lunch break is not closing, and a window whose hours end before the hall's
    may start a service until its own end)."""
    walk = walk_in_intervals(periods)
    closing = walk[-1][1] if walk else None
    bounds = sorted({p.start for p in periods} | {p.end for p in periods})
    raw: list[tuple[datetime, datetime, str]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        active = [p for p in periods if p.start <= a < p.end and window in p.windows]
        if not active:
            continue
        role = APPOINTMENTS if all(p.appointment_only for p in active) else WALK_IN
        if raw and raw[-1][1] == a and raw[-1][2] == role:
            raw[-1] = (raw[-1][0], b, role)
        else:
            raw.append((a, b, role))
    segments = []
    for a, b, role in raw:
        last = b - timedelta(microseconds=1)
        if closing is not None and b >= closing:
            last = min(last, closing - cutoff)
        segments.append(Segment(a, b, role, last))
    return segments


@functools.lru_cache(maxsize=64)
def day_segments(
    periods: tuple[Period, ...], windows: tuple[int, ...], cutoff: timedelta
) -> Mapping[int, tuple[Segment, ...]]:
    """Every window's :func:`window_segments`, once per day's periods: every projection asks again."""
    return {n: tuple(window_segments(periods, n, cutoff)) for n in windows}


class _Line:
    """The pending line as the desk sees it: the head of each class is all choose_next needs
    (the tickets repository's line_heads reads the same heads), so a pick costs a few comparisons
    instead of ranking everyone. Each class is a list walked by an index (taking a head never
    shifts a list), and ``epoch`` changes whenever what :meth:`earliest` can answer changes (a
    class ran empty or an appointment was taken), so the replay asks again only then."""

    def __init__(self, items: Sequence[LineItem]) -> None:
        self.items = {i.id: i for i in items}
        self.candidates = {i.id: i.candidate() for i in items}
        by_queue = sorted(items, key=lambda i: (i.queued_at, i.id))
        self.walk_ins = [i for i in by_queue if i.target_window is None and i.channel == "walk_in"]
        # Return-lane tickets rank with the priority groups (queue_policy.PRIORITY_CHANNELS); the owning
        # window's first claim on them is not played here: any window may take them when it is free.
        self.priority = [i for i in by_queue if i.target_window is None and i.channel in PRIORITY_CHANNELS]
        self.appointments = [i for i in by_queue if i.target_window is None and i.channel == "appointment"]
        self.by_due = sorted((i for i in self.appointments if i.due_at is not None), key=lambda i: (i.due_at, i.id))
        # Those that can be waiting before their slot: checked in already (a booked one arrives
        # at its slot, so it is due the moment it arrives and is never among them).
        self.may_wait_early = [
            i for i in self.appointments if i.arrives_at is None or i.due_at is None or i.arrives_at < i.due_at
        ]
        self.targeted: dict[int, list[LineItem]] = {}
        for i in by_queue:
            if i.target_window is not None:
                self.targeted.setdefault(i.target_window, []).append(i)
        self.at: dict[int, int] = {}  # id(list) -> index of its first item not taken
        self.done: set[int] = set()
        self.epoch = 0

    def __bool__(self) -> bool:
        return len(self.done) < len(self.items)

    def remaining(self) -> list[int]:
        return [i for i in self.items if i not in self.done]

    def _first(self, items: list[LineItem] | None) -> LineItem | None:
        if not items:
            return None
        k = self.at.get(id(items), 0)
        while k < len(items) and items[k].id in self.done:
            k += 1
        self.at[id(items)] = k
        return items[k] if k < len(items) else None

    def earliest(self, role: str, window: int, at: datetime) -> datetime | None:
        """The earliest instant ≥ ``at`` at which this window, in this role, has someone to call."""
        best: datetime | None = None
        if role == WALK_IN:
            head = self._first(self.targeted.get(window))
            if head is not None or self._first(self.walk_ins) or self._first(self.priority):
                return at
        for i in self.appointments:
            t = max(at, i.arrives_at) if i.arrives_at is not None else at
            if role == APPOINTMENTS and i.due_at is not None:
                t = max(t, i.due_at)
            elif role == APPOINTMENTS:
                continue
            if best is None or t < best:
                best = t
            if best == at:
                break
        return best

    def heads(self, role: str, window: int, t: datetime) -> list[Candidate]:
        """What the tickets repository's ``line_heads`` returns at ``t`` (arrived tickets only), for this role."""
        first_due: LineItem | None = None
        for i in self.by_due:  # the first arrived appointment whose slot has begun, by slot
            if i.due_at is None or i.due_at > t:
                break
            if i.arrives_at is None or i.arrives_at <= t:
                first_due = i
                break
        if role == APPOINTMENTS:
            return [self.candidates[first_due.id]] if first_due else []
        # An appointment checked in before its slot waits like a walk-in.
        early = next(
            (
                i
                for i in self.may_wait_early
                if (i.arrives_at is None or i.arrives_at <= t) and (i.due_at is None or i.due_at > t)
            ),
            None,
        )
        heads = [
            self._first(self.targeted.get(window)),
            first_due,
            self._first(self.priority),
            self._first(self.walk_ins),
            early,
        ]
        return [self.candidates[h.id] for h in heads if h is not None]

    def take(self, item_id: int) -> LineItem:
        self.done.add(item_id)
        item = self.items[item_id]
        if item.target_window is None and item.channel == "appointment":
            self.appointments = [i for i in self.appointments if i.id != item_id]
            self.by_due = [i for i in self.by_due if i.id != item_id]
            self.may_wait_early = [i for i in self.may_wait_early if i.id != item_id]
            self.epoch += 1
        elif item.target_window is not None:
            if self._first(self.targeted.get(item.target_window)) is None:
                self.epoch += 1
        elif self._first(self.walk_ins if item.channel == "walk_in" else self.priority) is None:
            self.epoch += 1
        return item


def _next_start(
    segments: Sequence[Segment], window: int, free_at: datetime, line: _Line
) -> tuple[datetime, Segment] | None:
    for seg in segments:
        if seg.end <= free_at:
            continue
        t = line.earliest(seg.role, window, max(seg.start, free_at))
        if t is not None and t <= seg.last_start and t < seg.end:
            return t, seg
    return None


def start_bound(
    now: datetime, segments: Mapping[int, Sequence[Segment]], windows: Sequence[WindowState], shortest: float
) -> int | None:
    """How many services can still start today in walk-in time, at most (None: no bound).

    Walk-ins, priority tickets and transfers start only in walk-in segments, at most one per
    window per ``shortest`` minutes (the shortest handling time at the fastest clerk), plus one
    per segment. Within each of those classes the replay only ever takes the class head, so
    nobody behind the first this-many of a class can start today: the line read for the
    projection stops there, however long it is."""
    if shortest <= 0:
        return None
    # Durations are rounded to microseconds when added to a time: a little less than the
    # shortest per start keeps the bound an upper bound.
    step = shortest * 60.0 - 0.001
    total = 0
    for w in windows:
        if w.closed_for_day:
            continue
        for seg in segments.get(w.number, ()):
            if seg.role != WALK_IN:
                continue
            first = max(seg.start, now)
            if seg.last_start >= first:
                total += int((seg.last_start - first).total_seconds() // step) + 1
    return total


def bounded(line: Sequence[LineItem], k: int) -> list[LineItem]:
    """The line as the bounded read sees it: the first ``k`` walk-ins and the first ``k``
    priority/return tickets in class order; appointments (bounded by the day's bookings) and
    transfers (a clerk's act each) in full. What :func:`start_bound` says is enough."""
    by_queue = sorted(line, key=lambda i: (i.queued_at, i.id))
    general = [i for i in by_queue if i.target_window is None]
    return (
        [i for i in general if i.channel == "walk_in"][:k]
        + [i for i in general if i.channel in PRIORITY_CHANNELS][:k]
        + [i for i in by_queue if i.target_window is not None or i.channel == "appointment"]
    )


def project_day(
    now: datetime,
    periods: Sequence[Period],
    windows: Sequence[WindowState],
    line: Sequence[LineItem],
    *,
    cutoff: timedelta,
    max_streak: int,
    streak: int = 0,
    until: int | None = None,
) -> DayProjection:
    """Replay the rest of the day (``periods`` are today's, from :class:`schedule.Schedule`).

    ``until``: stop once that ticket is placed (an estimate for one ticket needs no more of
    the day); the tickets after it then have no entry in ``starts``."""
    walk = walk_in_intervals(periods)
    closing = walk[-1][1] if walk else None
    segments = day_segments(tuple(periods), tuple(w.number for w in windows), cutoff)
    present_now = any(w.present for w in windows if _on_duty(segments[w.number], now))
    basis = "staffed" if present_now else ("scheduled" if any(segments.values()) else "closed")
    free_at: dict[int, datetime] = {}
    speed: dict[int, float] = {}
    for w in windows:
        if w.closed_for_day:
            continue
        start = now
        current = next((s for s in segments[w.number] if s.start <= now < s.end), None)
        if current is not None and not w.present and present_now:
            start = current.end  # unstaffed or paused now: assumed back after this segment
        free_at[w.number] = start + timedelta(minutes=w.busy_minutes) if w.present else start
        speed[w.number] = w.speed
    pending = _Line(line)
    starts: dict[int, Projected] = {}
    served = dict.fromkeys(free_at, 0)
    order: list[int] = []
    # Each window's next start, asked again only when its own free time or the line's epoch
    # changed (see _Line): a replay step then costs one window's look, not every window's.
    known: dict[int, tuple[int, datetime, tuple[datetime, Segment] | None]] = {}
    numbers = sorted(free_at)
    while pending and free_at:
        best: tuple[datetime, int, Segment] | None = None
        for number in numbers:
            cached = known.get(number)
            if cached is not None and cached[0] == pending.epoch and cached[1] == free_at[number]:
                found = cached[2]
            else:
                found = _next_start(segments[number], number, free_at[number], pending)
                known[number] = (pending.epoch, free_at[number], found)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], number, found[1])
        if best is None:
            break
        t, number, seg = best
        chosen, streak = choose_next(pending.heads(seg.role, number, t), number, t, streak, max_streak)
        if chosen is None:  # cannot happen: _next_start found someone to call at t
            break
        item = pending.take(chosen.id)
        starts[item.id] = Projected(item.id, t, number, _gap_between(walk, now, t))
        order.append(item.id)
        free_at[number] = t + timedelta(minutes=item.minutes * speed[number])
        served[number] += 1
        if item.id == until:
            break
    if until not in starts:  # the whole day was replayed: whoever is left cannot start today
        for item_id in pending.remaining():
            starts[item_id] = Projected(item_id, None, None, False)
    last_start = closing - cutoff if closing is not None else None
    return DayProjection(now, starts, free_at, served, closing, last_start, basis, order)


def _on_duty(segments: Sequence[Segment], t: datetime) -> bool:
    return any(s.start <= t < s.end for s in segments)


def _gap_between(walk: list[tuple[datetime, datetime]], a: datetime, b: datetime) -> bool:
    """True if walk-in service pauses somewhere in (a, b): the ticket waits across a break."""
    return any(a < end < b for _, end in walk)
