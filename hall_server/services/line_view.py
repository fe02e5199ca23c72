"""The waiting line as staff see it: tickets in calling order, read class by class, and exact
counts of each class of the policy (core/queue_policy.rank).

A window terminal shows the head of the line; reading and rendering all of it cost 54 ms at 3000
waiting for a list nobody scrolls through. With ``limit``, each class is read only as deep as
``limit`` (one index range of ix_tickets_line per channel) and the merged head is cut to
``limit``: the same first tickets as sorting the whole line, because the first ``limit`` of the
line are made of the first ones of each class. The counts come from the index (see _class_counts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, false, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from ..core.queue_policy import APPOINTMENT_DUE, ORDINARY, PRIORITY, PRIORITY_CHANNELS, TRANSFERRED, Candidate, rank
from ..core.ticket_states import HELD, WAITING
from ..storage.models import Ticket
from .context import HallContext
from .ticket_view import ticket_view

T = Ticket.__table__

# Names of the classes in the answer, by the policy's class number.
CLASS_NAMES = {
    TRANSFERRED: "transferred",
    APPOINTMENT_DUE: "appointment_due",
    PRIORITY: "priority",
    ORDINARY: "ordinary",
}


def _classes(window: int | None, now: datetime) -> list[tuple[int, ColumnElement[bool], Any]]:
    """(class, condition, order) for each part of the line, as rank() sorts it; a part per
    channel, so that each is one index range read in order."""
    here = T.c.target_window == window if window is not None else false()
    elsewhere = or_(T.c.target_window.is_(None), T.c.target_window != window) if window is not None else true()
    appointment = T.c.channel == "appointment"
    due = and_(appointment, T.c.due_at.is_not(None), T.c.due_at <= now)
    early = and_(appointment, or_(T.c.due_at.is_(None), T.c.due_at > now))
    return [
        (TRANSFERRED, here, T.c.queued_at),
        (APPOINTMENT_DUE, and_(elsewhere, due), T.c.due_at),
        (PRIORITY, and_(elsewhere, T.c.channel == "priority"), T.c.queued_at),
        (PRIORITY, and_(elsewhere, T.c.channel == "return"), T.c.queued_at),
        (ORDINARY, and_(elsewhere, T.c.channel == "walk_in"), T.c.queued_at),
        (ORDINARY, and_(elsewhere, early), T.c.queued_at),
    ]


def _candidate(r: Any) -> Candidate:
    return Candidate(r.id, r.channel, r.queued_at, r.due_at, r.target_window, r.owner_window)


def _class_counts(conn: Connection, waiting_today: list[Any], now: datetime, window: int | None) -> dict[int, int]:
    """Waiting tickets per class, exactly, without reading the line: per channel from the index
    alone, then the few tickets that are not where their channel puts them (transfers, which rank()
    places, and appointments whose slot has begun)."""
    by_channel = select(T.c.channel, func.count()).where(*waiting_today).group_by(T.c.channel)
    per_channel: dict[str, int] = dict(conn.execute(by_channel).all())
    counts = dict.fromkeys(CLASS_NAMES, 0)
    targeted = conn.execute(select(T).where(*waiting_today, T.c.target_window.is_not(None))).all()
    for r in targeted:
        counts[rank(_candidate(r), now, window)[0]] += 1
        per_channel[r.channel] -= 1
    due = conn.execute(
        select(func.count()).where(
            *waiting_today, T.c.target_window.is_(None), T.c.channel == "appointment", T.c.due_at <= now
        )
    ).scalar_one()
    counts[APPOINTMENT_DUE] += due
    per_channel["appointment"] = per_channel.get("appointment", 0) - due
    for channel, n in per_channel.items():
        counts[PRIORITY if channel in PRIORITY_CHANNELS else ORDINARY] += n
    return counts


def read_line(
    conn: Connection, ctx: HallContext, now: datetime, window: int | None, limit: int | None = None
) -> dict[str, Any]:
    """The waiting line in the order ``window`` would call it (None: the general line), its first
    ``limit`` tickets only when given; ``count`` and ``by_class`` always count all of it."""
    today = [T.c.hall_id == ctx.id, T.c.service_date == ctx.schedule.local_date(now)]
    waiting_today = [*today, T.c.state == WAITING]
    classes = _classes(window, now)
    rows: list[Any] = []
    for _, condition, order in classes:
        query = select(T).where(*waiting_today, condition).order_by(order, T.c.id)
        rows += conn.execute(query.limit(limit) if limit is not None else query).all()
    rows.sort(key=lambda r: rank(_candidate(r), now, window))
    held = conn.execute(select(T).where(*today, T.c.state == HELD).order_by(T.c.id)).all()
    by_class = {CLASS_NAMES[cls]: n for cls, n in _class_counts(conn, waiting_today, now, window).items()}
    return {
        "waiting": [ticket_view(r, ctx) for r in (rows[:limit] if limit is not None else rows)],
        "held": [ticket_view(r, ctx) for r in held],
        "count": sum(by_class.values()),
        "by_class": by_class,
    }
