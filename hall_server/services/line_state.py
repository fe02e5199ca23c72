"""Reads of the shared line that both issuing and calling need: who is ahead, how long it takes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, and_, func, or_, select

from ..core.estimate import WaitEstimate, estimate_wait, remaining_minutes
from ..core.queue_policy import APPOINTMENT_DUE, ORDINARY, PRIORITY
from ..core.ticket_states import ACTIVE, WAITING
from ..storage.models import HandlingStat, Ticket, Window
from .context import HallContext

T = Ticket.__table__
W = Window.__table__
H = HandlingStat.__table__


def handling_means(conn: Connection, ctx: HallContext) -> dict[int | None, float]:
    """Expected minutes per matter: learned mean if any, else the catalog's figure."""
    means: dict[int | None, float] = {mid: float(m.matter.handling_minutes) for mid, m in ctx.matters.items()}
    means[None] = float(ctx.config.queue.default_handling_minutes)
    for row in conn.execute(select(H.c.matter_key, H.c.mean_seconds).where(H.c.hall_id == ctx.id)):
        means[row.matter_key or None] = row.mean_seconds / 60.0
    return means


def _class_conditions(now: datetime):
    due = and_(T.c.channel == "appointment", T.c.due_at <= now)
    priority = T.c.channel == "priority"
    return due, priority, and_(~due, ~priority)


def ahead_condition(now: datetime, cls: int, key: datetime, ticket_id: int | None):
    """SQL condition for waiting tickets ranked before a ticket of class ``cls`` with time ``key``."""
    due, priority, ordinary = _class_conditions(now)
    time_col = T.c.due_at if cls == APPOINTMENT_DUE else T.c.queued_at
    if ticket_id is None:  # a ticket not stored yet comes after everything up to this instant
        earlier = time_col <= key
    else:
        earlier = or_(time_col < key, and_(time_col == key, T.c.id < ticket_id))
    if cls == APPOINTMENT_DUE:
        return and_(due, earlier)
    if cls == PRIORITY:
        return or_(due, and_(priority, earlier))
    return or_(due, priority, and_(ordinary, earlier))


def estimate_for(conn: Connection, ctx: HallContext, service_date: date, now: datetime, cls: int,
                 key: datetime, ticket_id: int | None = None) -> WaitEstimate:
    means = handling_means(conn, ctx)
    rows = conn.execute(
        select(T.c.matter_id, func.count())
        .where(T.c.hall_id == ctx.id, T.c.service_date == service_date, T.c.state == WAITING,
               ahead_condition(now, cls, key, ticket_id))
        .group_by(T.c.matter_id)).all()
    ahead = [means.get(mid, means[None]) for mid, count in rows for _ in range(count)]
    in_service = [
        remaining_minutes(means.get(r.matter_id, means[None]),
                          (now - (r.started_at or r.called_at)).total_seconds() / 60.0)
        for r in conn.execute(select(T.c.matter_id, T.c.started_at, T.c.called_at).where(
            T.c.hall_id == ctx.id, T.c.service_date == service_date, T.c.state.in_(ACTIVE)))]
    moment = ctx.schedule.moment(now)
    on_duty = moment.windows_on_duty
    if not on_duty:
        nxt = ctx.schedule.next_open_at(now)
        on_duty = ctx.schedule.moment(nxt).windows_on_duty if nxt else frozenset()
    staffed = conn.execute(select(func.count()).select_from(W).where(
        W.c.hall_id == ctx.id, W.c.staff_id.is_not(None), W.c.status == "open",
        W.c.number.in_(sorted(moment.windows_on_duty)))).scalar_one() if moment.windows_on_duty else 0
    return estimate_wait(ahead, in_service, staffed, len(on_duty))


def ticket_class(channel: str, due_at: datetime | None, now: datetime) -> int:
    if channel == "appointment" and due_at is not None and due_at <= now:
        return APPOINTMENT_DUE
    return PRIORITY if channel == "priority" else ORDINARY
