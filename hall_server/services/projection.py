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
from ..core.projection import DayProjection, LineItem, WindowState, project_day, walk_in_intervals, window_segments
from ..core.queue_policy import rank
from ..core.schedule import Period
from ..storage import line_sql as sql
from ..storage.models import Ticket
from ..storage.types import table_of
from .context import HallContext
from .line_state import handling_times

T = table_of(Ticket)
NEW_TICKET = 2**62  # the id of a ticket being issued: after every stored one at the same instant


@dataclass(frozen=True)
class LineSnapshot:
    now: datetime
    items: list[LineItem]  # waiting tickets, then booked appointments still to arrive
    windows: list[WindowState]
    times: HandlingTimes
    streak: int


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


def snapshot(conn: Connection, ctx: HallContext, now: datetime) -> LineSnapshot:
    day = ctx.schedule.local_date(now)
    times = handling_times(conn, ctx, now)
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
        for tid, channel, queued_at, due_at, target, matter_id in sql.WAITING_LINE.run(
            conn, {"hall_id": ctx.id, "service_date": day}
        )
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
    streak_rows = sql.PRIORITY_STREAK.run(conn, {"hall_id": ctx.id})
    streak = int(streak_rows[0][0]) if streak_rows else 0
    return LineSnapshot(now, items, windows, times, streak)


def project_line(ctx: HallContext, snap: LineSnapshot, extra: LineItem | None = None) -> DayProjection:
    items = snap.items + ([extra] if extra is not None else [])
    return project_day(
        snap.now,
        today_periods(ctx, snap.now),
        snap.windows,
        items,
        cutoff=timedelta(minutes=ctx.config.queue.closing_cutoff_minutes),
        max_streak=ctx.config.queue.max_priority_streak,
        streak=snap.streak,
    )


def people_ahead(snap: LineSnapshot, item: LineItem) -> int:
    """Waiting tickets the general line ranks before ``item`` now (arrivals still to come are not counted)."""
    key = rank(item.candidate(), snap.now)
    return sum(
        1 for i in snap.items if i.arrives_at is None and i.id != item.id and rank(i.candidate(), snap.now) < key
    )


def estimate_new(
    conn: Connection,
    ctx: HallContext,
    now: datetime,
    channel: str,
    matter_id: int | None,
    due_at: datetime | None,
    appointment_id: int | None = None,
) -> tuple[WaitEstimate, DayProjection]:
    """The estimate of a ticket about to be issued (it joins the line now); a checked-in
    appointment stops being a booked arrival still to come."""
    snap = snapshot(conn, ctx, now)
    if appointment_id is not None:
        snap = replace(snap, items=[i for i in snap.items if i.id != -appointment_id])
    item = LineItem(
        NEW_TICKET, channel, now, snap.times.for_matter(matter_id), due_at, spread=snap.times.spread_for(matter_id)
    )
    projection = project_line(ctx, snap, item)
    estimate = estimate_from(projection, NEW_TICKET, people_ahead(snap, item))
    # The consent check's margin: the start must hold even if the work ahead runs long (core/margin.py).
    safe = reachable_without_consent(
        projection,
        [*snap.items, item],
        snap.windows,
        NEW_TICKET,
        lambda items, windows: project_line(ctx, replace(snap, items=list(items), windows=list(windows))),
        serving=walk_in_windows_at(today_periods(ctx, now), snap.windows),
    )
    return replace(estimate, reachable_without_consent=safe), projection


def estimate_stored(conn: Connection, ctx: HallContext, now: datetime, ticket_id: int) -> WaitEstimate:
    snap = snapshot(conn, ctx, now)
    item = next((i for i in snap.items if i.id == ticket_id), None)
    projection = project_line(ctx, snap)
    return estimate_from(projection, ticket_id, people_ahead(snap, item) if item else 0)


def load_line(conn: Connection, ctx: HallContext, now: datetime) -> dict[str, Any]:
    """The terminal's load line: the line against the windows really serving until closing."""
    snap = snapshot(conn, ctx, now)
    projection = project_line(ctx, snap)
    on_duty = ctx.schedule.moment(now).windows_on_duty
    serving = [w.number for w in snap.windows if w.present and w.number in on_duty]
    waiting = [i for i in snap.items if i.arrives_at is None]
    work = sum(i.minutes for i in waiting)
    tz = ctx.config.timezone
    unreachable = [i.id for i in waiting if projection.starts[i.id].start is None]
    end = projection.line_end if waiting else None
    closing = projection.closing if projection.closing and projection.closing > now else None  # after closing: none
    return {
        "waiting": len(waiting),
        "work_minutes": round(work),
        "windows": len(serving),
        "minutes_per_window": round(work / len(serving)) if serving else None,
        "closes_at": closing.astimezone(tz).isoformat() if closing else None,
        "minutes_to_close": max(0, round((closing - now).total_seconds() / 60)) if closing else 0,
        "line_ends_at": end.astimezone(tz).isoformat() if end else None,
        "unreachable": len(unreachable),
        "over": bool(unreachable),
    }


def day_view(conn: Connection, ctx: HallContext, now: datetime) -> dict[str, Any]:
    """Today's projection for the supervisor: the end of the line, per window, where the cut-off falls."""
    snap = snapshot(conn, ctx, now)
    projection = project_line(ctx, snap)
    periods = today_periods(ctx, now)
    tz = ctx.config.timezone

    def local(t: datetime | None) -> str | None:
        return t.astimezone(tz).isoformat() if t else None

    waiting = {i.id: i for i in snap.items if i.arrives_at is None}
    numbers: dict[int, str] = dict(
        sql.TICKET_NUMBERS.run(conn, {"hall_id": ctx.id, "service_date": ctx.schedule.local_date(now)})
    )
    order = [tid for tid in projection.order if tid in waiting]
    last_reachable = next((numbers.get(t) for t in reversed(order)), None)
    cut = [t for t, p in projection.starts.items() if p.start is None and t in waiting]
    first_cut = [numbers.get(t) for t in cut]
    # Who was told at the kiosk (took a number anyway) and who was not: the supervisor must act
    # on the second (a longer 延时, or a word with the resident), not on the first.
    told = set(conn.execute(select(T.c.id).where(T.c.id.in_(cut), T.c.late_risk_accepted.is_(True))).scalars())
    new_ticket = None
    if ctx.schedule.moment(now).walk_in:
        estimate, _ = estimate_new(conn, ctx, now, "walk_in", None, None)
        new_ticket = {
            "expected_start": local(estimate.expected_start),
            "needs_consent": not estimate.reachable_without_consent,
        }
    return {
        "now": local(now),
        "basis": projection.basis,
        "closing": local(projection.closing),
        "last_start": local(projection.last_start),
        "line_ends_at": local(projection.line_end) if waiting else None,
        "last_reachable_number": last_reachable,
        "unreachable_numbers": sorted(n for n in first_cut if n),
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
