"""Reads of the shared line that both issuing and calling need: who is ahead, how long it takes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from ..core.estimate import WaitEstimate, estimate_wait, remaining_minutes
from ..core.queue_policy import ORDINARY, Candidate, rank
from ..storage import line_sql as sql
from .context import HallContext


def handling_means(conn: Connection, ctx: HallContext) -> dict[int | None, float]:
    """Expected minutes per matter: learned mean if any, else the catalog's figure."""
    means: dict[int | None, float] = {mid: float(m.matter.handling_minutes) for mid, m in ctx.matters.items()}
    means[None] = float(ctx.config.queue.default_handling_minutes)
    for matter_key, mean_seconds in sql.HANDLING_MEANS.run(conn, {"hall_id": ctx.id}):
        means[matter_key or None] = mean_seconds / 60.0
    return means


def estimate_for(
    conn: Connection,
    ctx: HallContext,
    service_date: date,
    now: datetime,
    cls: int,
    key: datetime,
    ticket_id: int | None = None,
) -> WaitEstimate:
    """People ahead of a ticket of class ``cls`` (time ``key``) and the minutes until a window is free."""
    means = handling_means(conn, ctx)
    if cls == ORDINARY and ticket_id is None:
        rows = sql.WAITING_BY_MATTER.run(conn, {"hall_id": ctx.id, "service_date": service_date}).all()
    else:
        rows = sql.AHEAD_BY_MATTER.run(
            conn,
            {
                "hall_id": ctx.id,
                "service_date": service_date,
                "now": sql.bind_time(now),
                "cls": cls,
                "key": sql.bind_time(key),
                "ticket_id": -1 if ticket_id is None else ticket_id,
            },
        ).all()
    ahead = [(means.get(mid, means[None]), count) for mid, count in rows]
    in_service = [
        remaining_minutes(
            means.get(matter_id, means[None]),
            (now - (sql.read_time(started_at or called_at) or now)).total_seconds() / 60.0,
        )
        for matter_id, started_at, called_at in sql.IN_SERVICE.run(
            conn, {"hall_id": ctx.id, "service_date": service_date}
        )
    ]
    moment = ctx.schedule.moment(now)
    on_duty = moment.windows_on_duty
    if not on_duty:
        nxt = ctx.schedule.next_open_at(now)
        on_duty = ctx.schedule.moment(nxt).windows_on_duty if nxt else frozenset()
    staffed = sum(1 for (n,) in sql.STAFFED_WINDOWS.run(conn, {"hall_id": ctx.id}) if n in moment.windows_on_duty)
    return estimate_wait(ahead, in_service, staffed, len(on_duty))


def ticket_class(channel: str, due_at: datetime | None, now: datetime) -> int:
    """The line class of a ticket on the general line: queue_policy.rank's, not a restatement."""
    return rank(Candidate(0, channel, now, due_at), now)[0]
