"""The closing cut-off with a safety margin: may a ticket be issued without the resident's consent?

The day's projection (:mod:`projection`) uses expected handling times, so about half the time the
work ahead takes longer than projected. Near closing that spread decides: a ticket projected to
start at 18:15 when the last start is 18:20 is a coin toss if several services of uncertain length
run before it at the one 延时 window. So a ticket is *reachable without consent* only if it still
starts before the last start when the work ahead of it runs ``k`` σ long.

σ of a start is the spread of the services projected before it at its window (each matter's σ,
learned robustly in :mod:`handling`, times the clerk's speed, and the spread of the service in
progress), added in variance since the window last stood idle long enough to absorb ``k`` σ of
overrun (a lunch break, a wait for an appointment's slot), so it grows as √n with the work ahead.

The check replays the day once more with every service lengthened by its share of that margin
(``k``·σᵢ²/σ of its chain, so each chain runs exactly ``k``·σ long), because running late changes
more than the start: a window whose hours end at 17:30 hands its ticket to the 延时 window, a
booked appointment becomes due and goes first. On a single window that replay is exactly
"projected start + ``k``·σ ≤ last start". Where m windows share the line the overruns of their
chains partly cancel (the pooled σ is 1/√m of one chain's), so a service is lengthened by 1/√m of
its share, m counted while it runs (``serving``): a line of 35 at 10:00 needs no consent, a service
running from 17:25 into the 延时 hour keeps its whole share.

The slip's estimate stays the expected start; only the consent decision uses the margin. Plain
Python, shared by ``POST /tickets`` and the simulator that chose ``SAFETY_K``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .projection import WALK_IN, DayProjection, LineItem, WindowState, window_segments
from .schedule import Period

# Chosen with `yichuang simulate` on the pilot hall (docs/estimates.md): over 100 days k = 2
# left 2 unreachable tickets issued without consent, 2.5 and 3 none; 3 also none over 200 days.
SAFETY_K = 3.0

Replay = Callable[[Sequence[LineItem], Sequence[WindowState]], DayProjection]


@dataclass(frozen=True)
class Spread:
    start_sd: dict[int, float]  # σ of each projected start, minutes
    # Minutes each service is lengthened by in the pessimistic replay (before the clerk's speed).
    extra: dict[int, float]
    busy_extra: dict[int, float]  # the same for the service in progress, per window


def spread_of_starts(
    projection: DayProjection,
    items: Sequence[LineItem],
    windows: Sequence[WindowState],
    k: float,
    serving: Callable[[datetime], int] | None = None,
) -> Spread:
    """Walk each window's projected services in order, as chains that idle time breaks.

    ``serving(t)``: how many windows share the line at ``t``. A start behind m windows serving one
    line waits on the work of all of them, whose overruns partly cancel: its σ is the chains' pooled
    σ, 1/√m of one window's, so each service is lengthened by 1/√m of its chain share (m = 1 in the
    延时 hour, where the margin matters most, leaves it whole)."""
    by_id = {i.id: i for i in items}
    state = {w.number: w for w in windows}
    start_sd: dict[int, float] = {}
    extra: dict[int, float] = {}
    busy_extra: dict[int, float] = {}
    # Per window: the open chain's members (item id or None for the service in progress, σ², and the
    # speed factor the replay applies to it), its variance, and when its last service is expected to end.
    chains: dict[int, tuple[list[tuple[int | None, float, float, float]], float, datetime]] = {}

    def pool(start: datetime, end: datetime) -> float:
        # The fewer of the windows serving when the service starts and when it should end: one that
        # runs from 17:25 into the 延时 hour has only the 延时 window left to share its overrun.
        if serving is None:
            return 1.0
        return math.sqrt(max(1, min(serving(start), serving(max(start, end - _m(1 / 60))))))

    for w in windows:
        if w.present and w.busy_minutes > 0:
            busy_var = w.busy_spread**2
            member = (None, busy_var, 1.0, pool(projection.now, projection.now + _m(w.busy_minutes)))
            chains[w.number] = ([member], busy_var, projection.now + _m(w.busy_minutes))
        else:
            chains[w.number] = ([], 0.0, projection.now)

    def close(number: int) -> None:
        members, variance, _ = chains[number]
        for member, var, speed, pool in members:
            share = k * var / math.sqrt(variance) / pool if variance > 0 else 0.0
            if member is None:
                busy_extra[number] = share
            else:
                extra[member] = share / speed

    for tid in projection.order:
        p = projection.starts[tid]
        if p.start is None or p.window is None:
            continue
        members, variance, end = chains.setdefault(p.window, ([], 0.0, projection.now))
        if (p.start - end).total_seconds() / 60.0 > k * math.sqrt(variance):
            close(p.window)  # the window idles here long enough to absorb the overruns so far
            members, variance = [], 0.0
        start_sd[tid] = math.sqrt(variance)
        at = state.get(p.window)
        speed = at.speed if at is not None else 1.0
        item = by_id[tid]
        var = (item.spread * speed) ** 2
        end = p.start + _m(item.minutes * speed)
        chains[p.window] = ([*members, (tid, var, speed, pool(p.start, end))], variance + var, end)
    for number in chains:
        close(number)
    return Spread(start_sd, extra, busy_extra)


def reachable_without_consent(
    projection: DayProjection,
    items: Sequence[LineItem],
    windows: Sequence[WindowState],
    ticket_id: int,
    replay: Replay,
    k: float = SAFETY_K,
    serving: Callable[[datetime], int] | None = None,
) -> bool:
    """True if the ticket starts before the day's last start even when the work ahead runs ``k`` σ
    long; False if it may not (issue only with consent) or cannot start at all. ``replay``
    projects the same day again from other handling times (the caller's :func:`project_day`);
    ``serving`` as for :func:`spread_of_starts` (see :func:`walk_in_windows_at`)."""
    projected = projection.starts.get(ticket_id)
    if projected is None or projected.start is None:
        return False
    spread = spread_of_starts(projection, items, windows, k, serving)
    if not any(spread.extra.values()) and not any(spread.busy_extra.values()):
        return True  # nothing uncertain ahead of anyone: the expected projection is the answer
    longer = [replace(i, minutes=i.minutes + spread.extra.get(i.id, 0.0)) for i in items]
    busier = [replace(w, busy_minutes=w.busy_minutes + spread.busy_extra.get(w.number, 0.0)) for w in windows]
    late = replay(longer, busier).starts.get(ticket_id)
    return late is not None and late.start is not None


def walk_in_windows_at(periods: Sequence[Period], windows: Sequence[WindowState]) -> Callable[[datetime], int]:
    """How many of today's windows (not closed for the day) serve walk-ins at an instant."""
    segments = [
        (s.start, s.end)
        for w in windows
        if not w.closed_for_day
        for s in window_segments(periods, w.number, timedelta(0))
        if s.role == WALK_IN
    ]
    return lambda t: sum(1 for a, b in segments if a <= t < b)


def _m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)
