"""Today's projection from the stored line: the one source of every wait estimate and cut-off.

POST /tickets (consent and slip estimate), GET /tickets/{id} (kiosk, phone page), the terminal's
load line, the board and the supervisor's projection page all call :func:`project_line`; the
simulator (hall_server/simulation) reaches it through the same services, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from ..core.estimate import WaitEstimate, estimate_from
from ..core.handling import HandlingTimes, remaining_minutes
from ..core.margin import reachable_without_consent, walk_in_windows_at
from ..core.projection import (
    DayProjection,
    LineItem,
    WindowState,
    day_segments,
    project_day,
    start_bound,
    walk_in_intervals,
    window_segments,
)
from ..core.queue_policy import APPOINTMENT_DUE, ORDINARY, PRIORITY, PRIORITY_CHANNELS
from ..core.schedule import Period
from ..storage import line_sql as sql
from ..storage.models import Ticket
from ..storage.types import table_of
from .context import HallContext
from .line_state import handling_times, ticket_class

T = table_of(Ticket)
NEW_TICKET = 2**62  # the id of a ticket being issued: after every stored one at the same instant


@dataclass(frozen=True)
class LineSnapshot:
    now: datetime
    items: list[LineItem]  # waiting tickets (each class as deep as can start today), then booked appointments
    windows: list[WindowState]
    times: HandlingTimes
    streak: int
    periods: list[Period]
    waiting: dict[int | None, int]  # every waiting ticket, read or not, per matter (the maintained counts)
    bound: int | None  # how deep each class was read (None: all of it)

    @property
    def waiting_total(self) -> int:
        return sum(self.waiting.values())


def today_periods(ctx: HallContext, now: datetime) -> list[Period]:
    """Today's periods; without carry-over, walk-in periods after the current one drop out
    (tickets waiting at the break are not served after it)."""
    periods = ctx.schedule.periods(ctx.schedule.local_date(now))
    if ctx.config.queue.carry_over_breaks:
        return periods
    walk = [(a, b) for a, b in walk_in_intervals(periods) if b > now]
    if not walk:
        return periods
    first_end = walk[0][1]
    return [p for p in periods if p.appointment_only or p.start < first_end]


def last_walk_in_end(ctx: HallContext, now: datetime) -> datetime | None:
    """Today's closing for walk-ins (the end of the last walk-in period)."""
    walk = walk_in_intervals(today_periods(ctx, now))
    return walk[-1][1] if walk else None


def _cutoff(ctx: HallContext) -> timedelta:
    return timedelta(minutes=ctx.config.queue.closing_cutoff_minutes)


def snapshot(
    conn: Connection, ctx: HallContext, now: datetime, *, bounded: bool = True, line: bool = True
) -> LineSnapshot:
    """The projection's inputs. ``bounded``: each class of the line is read only as deep as
    anyone can still start today (core/projection.start_bound) — the replay of what is read
    equals the replay of the whole line, and whoever is not read cannot start today.
    ``line=False``: everything but the line itself (see :func:`with_line`)."""
    day = ctx.schedule.local_date(now)
    times = handling_times(conn, ctx, now)
    busy: dict[int, float] = {}
    busy_spread: dict[int, float] = {}
    for window, matter_id, started_at, called_at in sql.IN_SERVICE_AT.run(
        conn, {"hall_id": ctx.id, "service_date": day}
    ):
        if window is not None:
            elapsed = (now - sql.instant(started_at or called_at)).total_seconds() / 60.0
            busy[window] = remaining_minutes(times.for_matter(matter_id), elapsed)
            busy_spread[window] = times.spread_for(matter_id)
    windows = [
        WindowState(
            number,
            present=status == "open" and staff_id is not None,
            closed_for_day=status == "closed",
            busy_minutes=busy.get(number, 0.0),
            speed=times.speed(staff_id),
            busy_spread=busy_spread.get(number, 0.0),
        )
        for number, status, staff_id in sql.WINDOW_STATES.run(conn, {"hall_id": ctx.id})
        if number in ctx.config.window_numbers
    ]
    periods = today_periods(ctx, now)
    bound = line_bound(ctx, now, periods, windows, times) if bounded else None
    streak_rows = sql.PRIORITY_STREAK.run(conn, {"hall_id": ctx.id})
    streak = int(streak_rows[0][0]) if streak_rows else 0
    today = {"hall_id": ctx.id, "service_date": day}
    waiting = {matter: int(n) for matter, n in sql.WAITING_BY_MATTER.run(conn, today)}
    snap = LineSnapshot(now, [], windows, times, streak, periods, waiting, bound)
    return with_line(conn, ctx, snap) if line else snap


def with_line(conn: Connection, ctx: HallContext, snap: LineSnapshot) -> LineSnapshot:
    """The snapshot with the waiting line (each class as deep as ``snap.bound``) and today's
    booked appointments still to come."""
    now, times, bound = snap.now, snap.times, snap.bound
    day = ctx.schedule.local_date(now)
    line = {"hall_id": ctx.id, "service_date": day}
    rows = [*sql.WAITING_APPOINTMENTS.run(conn, line), *sql.WAITING_TARGETED.run(conn, line)]
    for channel in ("walk_in", *PRIORITY_CHANNELS):
        rows += sql.WAITING_CLASS.run(conn, line | {"channel": channel, "limit": UNBOUNDED if bound is None else bound})
    items = [
        LineItem(
            tid,
            channel,
            sql.instant(queued_at),
            times.for_matter(matter_id),
            sql.read_time(due_at),
            target,
            spread=times.spread_for(matter_id),
        )
        for tid, channel, queued_at, due_at, target, matter_id in rows
    ]
    start_of_day = datetime.combine(day, datetime.min.time(), ctx.config.timezone)
    late = timedelta(minutes=ctx.config.queue.appointment_late_minutes)
    for aid, matter_id, slot_start in sql.BOOKED_TODAY.run(
        conn,
        {
            "hall_id": ctx.id,
            "from_time": sql.bind_time(max(start_of_day, now - late)),
            "to_time": sql.bind_time(start_of_day + timedelta(days=1)),
        },
    ):
        slot = sql.instant(slot_start)
        # Negative ids: booked appointments are not tickets yet; they arrive at their slot.
        items.append(
            LineItem(
                -aid,
                "appointment",
                slot,
                times.for_matter(matter_id),
                slot,
                None,
                max(slot, now),
                spread=times.spread_for(matter_id),
            )
        )
    return replace(snap, items=items)


UNBOUNDED = 2**31 - 1  # LIMIT for a class read in full


def line_bound(
    ctx: HallContext, now: datetime, periods: list[Period], windows: list[WindowState], times: HandlingTimes
) -> int | None:
    """How deep each class of the line can matter today (core/projection.start_bound)."""
    speeds = [w.speed for w in windows if not w.closed_for_day]
    shortest = min(times.minutes.values(), default=0.0) * min(speeds, default=1.0)
    segments = day_segments(tuple(periods), tuple(w.number for w in windows), _cutoff(ctx))
    return start_bound(now, segments, windows, shortest)


def project_line(
    ctx: HallContext, snap: LineSnapshot, extra: LineItem | None = None, *, until: int | None = None
) -> DayProjection:
    items = snap.items + ([extra] if extra is not None else [])
    return project_day(
        snap.now,
        snap.periods,
        snap.windows,
        items,
        cutoff=_cutoff(ctx),
        max_streak=ctx.config.queue.max_priority_streak,
        streak=snap.streak,
        until=until,
    )


def people_ahead(conn: Connection, ctx: HallContext, snap: LineSnapshot, item: LineItem) -> int:
    """Waiting tickets the general line ranks before ``item`` now (queue_policy.rank; arrivals
    still to come are not counted), from SQL class by class; a ticket not stored yet counts as
    the maintained total less those of its class and after it, so no count reads the line."""
    cls = ticket_class(item.channel, item.due_at, snap.now)
    key = item.due_at if cls == APPOINTMENT_DUE and item.due_at is not None else item.queued_at
    new = item.id == NEW_TICKET
    params = {
        "hall_id": ctx.id,
        "service_date": ctx.schedule.local_date(snap.now),
        "now": sql.bind_time(snap.now),
        "cls": cls,
        "key": sql.bind_time(key),
        "ticket_id": -1 if new else item.id,
    }
    if cls == ORDINARY and new:
        # Everyone of the first two classes is ahead, and every ordinary ticket but those behind.
        return snap.waiting_total - int(sql.BEHIND_ORDINARY.run(conn, params).scalar_one())
    ahead = sql.AHEAD_DUE.run(conn, params).scalar_one()
    if cls >= PRIORITY:
        ahead += sql.AHEAD_PRIORITY.run(conn, params).scalar_one()
    if cls == ORDINARY:
        ahead += sql.AHEAD_ORDINARY.run(conn, params).scalar_one()
    return int(ahead)


def _beyond_reach(conn: Connection, ctx: HallContext, snap: LineSnapshot, item: LineItem) -> bool:
    """A new walk-in or priority ticket with at least ``bound`` of its own class before it
    cannot start today (the replay takes each class in order): no replay needed to say so."""
    if snap.bound is None or item.target_window is not None:
        return False
    if item.channel == "walk_in":
        channels: tuple[str, ...] = ("walk_in",)
    elif item.channel in PRIORITY_CHANNELS:
        channels = PRIORITY_CHANNELS
    else:
        return False
    params = {
        "hall_id": ctx.id,
        "service_date": ctx.schedule.local_date(snap.now),
        "now": sql.bind_time(item.queued_at),
    }
    depth = sum(
        int(sql.CLASS_DEPTH.run(conn, params | {"channel": c, "limit": snap.bound}).scalar_one()) for c in channels
    )
    return depth >= snap.bound


def estimate_new(
    conn: Connection,
    ctx: HallContext,
    now: datetime,
    channel: str,
    matter_id: int | None,
    due_at: datetime | None,
    appointment_id: int | None = None,
) -> tuple[WaitEstimate, DayProjection | None]:
    """The estimate of a ticket about to be issued (it joins the line now); a checked-in
    appointment stops being a booked arrival still to come. The projection is None when the
    ticket is beyond reach without a replay (see _beyond_reach)."""
    snap = snapshot(conn, ctx, now, line=False)
    item = LineItem(NEW_TICKET, channel, now, snap.times.for_matter(matter_id), due_at)
    ahead = people_ahead(conn, ctx, snap, item)
    if _beyond_reach(conn, ctx, snap, item):  # the line is not even read
        empty = project_line(ctx, snap)  # the windows and basis, nobody placed
        return replace(estimate_from(empty, NEW_TICKET, ahead), reachable_without_consent=False), None
    snap = with_line(conn, ctx, snap)
    if appointment_id is not None:
        snap = replace(snap, items=[i for i in snap.items if i.id != -appointment_id])
    item = replace(item, spread=snap.times.spread_for(matter_id))
    # The day after the new ticket is not needed, here nor in the margin's replay.
    projection = project_line(ctx, snap, item, until=NEW_TICKET)
    estimate = estimate_from(projection, NEW_TICKET, ahead)
    # The consent check's margin: the start must hold even if the work ahead runs long (core/margin.py).
    safe = reachable_without_consent(
        projection,
        [*snap.items, item],
        snap.windows,
        NEW_TICKET,
        lambda items, windows: project_line(
            ctx, replace(snap, items=list(items), windows=list(windows)), until=NEW_TICKET
        ),
        serving=walk_in_windows_at(snap.periods, snap.windows),
    )
    return replace(estimate, reachable_without_consent=safe), projection


def estimate_stored(conn: Connection, ctx: HallContext, now: datetime, ticket_id: int) -> WaitEstimate:
    snap = snapshot(conn, ctx, now)
    item = next((i for i in snap.items if i.id == ticket_id), None)
    if item is None:  # not read: beyond reach today (or not waiting)
        row = sql.WAITING_TICKET.run(conn, {"id": ticket_id})
        if row:
            tid, channel, queued_at, due_at, target, matter_id = row[0]
            item = LineItem(tid, channel, sql.instant(queued_at), 0.0, sql.read_time(due_at), target)
    projection = project_line(ctx, snap, until=ticket_id)
    return estimate_from(projection, ticket_id, people_ahead(conn, ctx, snap, item) if item else 0)


def _reached(snap: LineSnapshot, projection: DayProjection) -> list[int]:
    """Waiting tickets (not arrivals to come) the projection starts today, in start order."""
    waiting = {i.id for i in snap.items if i.arrives_at is None}
    return [tid for tid in projection.order if tid in waiting]


def load_line(conn: Connection, ctx: HallContext, now: datetime) -> dict[str, Any]:
    """The terminal's load line: the line against the windows really serving until closing."""
    snap = snapshot(conn, ctx, now)
    projection = project_line(ctx, snap)
    on_duty = ctx.schedule.moment(now).windows_on_duty
    serving = [w.number for w in snap.windows if w.present and w.number in on_duty]
    waiting = snap.waiting_total
    work = sum(n * snap.times.for_matter(matter) for matter, n in snap.waiting.items())
    tz = ctx.config.timezone
    unreachable = waiting - len(_reached(snap, projection))
    end = projection.line_end if waiting else None
    closing = projection.closing if projection.closing and projection.closing > now else None  # after closing: none
    return {
        "waiting": waiting,
        "work_minutes": round(work),
        "windows": len(serving),
        "minutes_per_window": round(work / len(serving)) if serving else None,
        "closes_at": closing.astimezone(tz).isoformat() if closing else None,
        "minutes_to_close": max(0, round((closing - now).total_seconds() / 60)) if closing else 0,
        "line_ends_at": end.astimezone(tz).isoformat() if end else None,
        "unreachable": unreachable,
        "over": unreachable > 0,
    }


def _local(ctx: HallContext, t: datetime | None) -> str | None:
    return t.astimezone(ctx.config.timezone).isoformat() if t else None


def day_summary(conn: Connection, ctx: HallContext, now: datetime) -> dict[str, Any]:
    """What boards and kiosks show of the projection (no numbers, no personal data)."""
    snap = snapshot(conn, ctx, now)
    projection = project_line(ctx, snap)
    waiting = snap.waiting_total
    return {
        "closing": _local(ctx, projection.closing),
        "last_start": _local(ctx, projection.last_start),
        "line_ends_at": _local(ctx, projection.line_end) if waiting else None,
        "unreachable": waiting - len(_reached(snap, projection)),
    }


def new_walk_in(conn: Connection, ctx: HallContext, now: datetime) -> dict[str, Any] | None:
    """A walk-in taking a number now, as the kiosk would issue it: its expected start and wait, and
    whether the kiosk would ask consent (the same estimate and safety margin as POST /tickets). No
    number and nobody's data: boards show it to the hall. None when walk-ins are not taken now."""
    if not ctx.schedule.moment(now).walk_in:
        return None
    estimate, _ = estimate_new(conn, ctx, now, "walk_in", None, None)
    return {
        "expected_start": _local(ctx, estimate.expected_start),
        "expected_wait_minutes": estimate.minutes,  # None: no window can start it today
        "after_break": estimate.after_break,
        "needs_consent": not estimate.reachable_without_consent,
    }


def day_view(conn: Connection, ctx: HallContext, now: datetime) -> dict[str, Any]:
    """Today's projection for the supervisor: the end of the line, per window, where the cut-off falls."""
    snap = snapshot(conn, ctx, now)
    projection = project_line(ctx, snap)
    periods = snap.periods

    def local(t: datetime | None) -> str | None:
        return _local(ctx, t)

    # Every waiting number (those beyond reach were not read for the projection).
    numbers: dict[int, str] = dict(
        sql.TICKET_NUMBERS.run(conn, {"hall_id": ctx.id, "service_date": ctx.schedule.local_date(now)})
    )
    order = _reached(snap, projection)
    started = set(order)
    last_reachable = next((numbers.get(t) for t in reversed(order)), None)
    cut = [t for t in numbers if t not in started]
    # Who was told at the kiosk (took a number anyway) and who was not: the supervisor must act
    # on the second (a longer 延时, or a word with the resident), not on the first.
    told = set(
        conn.execute(
            select(T.c.id).where(
                T.c.hall_id == ctx.id,
                T.c.service_date == ctx.schedule.local_date(now),
                T.c.state == "waiting",
                T.c.late_risk_accepted.is_(True),
            )
        ).scalars()
    )
    new_ticket = new_walk_in(conn, ctx, now)
    return {
        "now": local(now),
        "basis": projection.basis,
        "closing": local(projection.closing),
        "last_start": local(projection.last_start),
        "line_ends_at": local(projection.line_end) if numbers else None,
        "last_reachable_number": last_reachable,
        "unreachable_numbers": sorted(n for t in cut if (n := numbers.get(t))),
        "unreachable_not_told_numbers": sorted(n for t in cut if t not in told and (n := numbers.get(t))),
        "new_ticket": new_ticket,  # a walk-in taking a number now (None: walk-ins are not taken now)
        "windows": [
            {
                "number": w.number,
                "present": w.present,
                "closed_for_day": w.closed_for_day,
                # No duty left today (a window whose hours end at 17:30, seen at 17:35): signed in or not.
                "off_duty": not any(seg.end > now for seg in window_segments(periods, w.number, timedelta(0))),
                "free_at": local(projection.window_free_at.get(w.number)),
                "projected_services": projection.served.get(w.number, 0),
            }
            for w in snap.windows
        ],
        "tickets": [
            {
                "number": numbers.get(tid),
                "start": local(projection.starts[tid].start),
                "window": projection.starts[tid].window,
                "after_break": projection.starts[tid].after_break,
            }
            for tid in order
        ],
    }
