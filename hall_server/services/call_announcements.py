"""Calls the hall has really said: the announcer's reports, and the 过号 gate read from them.

``POST /announcements`` (a board/announcer token) stores one row per spoken call event; the
unique key on (hall, event) makes a repeated report, or a second announcer's report of the same
call, a no-op inside the database (two speakers in one hall must not count a call twice). Each
new row is announced as ``ticket.announced`` so the window terminal can offer 过号 the moment it
becomes possible, without a reload. The rule itself is core/no_show_rule.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.errors import Conflict, DomainError, NotFound
from ..core.event_types import CALL_TYPES
from ..core.no_show_rule import NoShowGate, no_show_gate
from ..core.ticket_states import CALLED
from ..storage.models import CallAnnouncement, Event, Ticket
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .context import HallContext
from .event_log import append_event

A, EVENTS, T = table_of(CallAnnouncement), table_of(Event), table_of(Ticket)


def heard_calls(conn: Connection, ticket_id: int) -> tuple[int, datetime | None]:
    """How often this ticket's current round of calls was heard, and when last. A round starts
    with its latest ``ticket.called`` (a ticket sent back to the line and called again starts
    afresh); reports of older calls do not count."""
    round_start = conn.execute(
        select(func.max(EVENTS.c.id)).where(EVENTS.c.ticket_id == ticket_id, EVENTS.c.type == "ticket.called")
    ).scalar()
    if round_start is None:
        return 0, None
    count, last = conn.execute(
        select(func.count(), func.max(A.c.announced_at)).where(A.c.ticket_id == ticket_id, A.c.event_id >= round_start)
    ).one()
    return int(count), last


def gate_for(conn: Connection, ctx: HallContext, ticket: Any, now: datetime) -> NoShowGate:
    heard, last_heard = heard_calls(conn, ticket.id) if ctx.config.announcer.present else (0, None)
    return no_show_gate(
        now=now,
        needed=ctx.config.queue.no_show_after_calls,
        wait_seconds=ctx.config.announcer.no_show_wait_seconds,
        announcer_present=ctx.config.announcer.present,
        calls=ticket.call_count,
        last_called_at=ticket.called_at,
        heard=heard,
        last_heard_at=last_heard,
        silent_seconds=ctx.config.announcer.silent_after_seconds,
    )


def gate_view(gate: NoShowGate, ctx: HallContext) -> dict[str, Any]:
    return {
        "allowed": gate.allowed,
        "reason": gate.reason,
        "heard": gate.heard,
        "needed": gate.needed,
        "calls": gate.calls,
        "at": gate.at.astimezone(ctx.config.timezone).isoformat() if gate.at else None,
    }


def refuse_early_no_show(gate: NoShowGate, ctx: HallContext, number: str) -> DomainError:
    """The 409 a clerk gets for a 过号 that is not yet fair: why, and when it will be."""
    at = gate.at.astimezone(ctx.config.timezone).strftime("%H:%M:%S") if gate.at else ""
    key = {
        "recall_needed": "no_show_recall_needed",
        "not_yet_announced": "no_show_not_yet_announced",
        "wait": "no_show_wait",
    }[gate.reason]
    if not ctx.config.announcer.present:
        key += "_shown"
    return Conflict(key, number=number, heard=gate.heard, needed=gate.needed, calls=gate.calls, at=at).with_details(
        no_show=gate_view(gate, ctx)
    )


class CallAnnouncements:
    def __init__(self, services: Services) -> None:
        self.s = services

    def record(self, principal: Principal, event_id: int, device: str = "") -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            event = conn.execute(
                select(EVENTS.c.id, EVENTS.c.ticket_id, EVENTS.c.window_number).where(
                    EVENTS.c.id == event_id, EVENTS.c.hall_id == ctx.id, EVENTS.c.type.in_(CALL_TYPES)
                )
            ).first()
            if event is None or event.ticket_id is None:
                raise NotFound("announced_call_not_found", event_id=event_id)
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            # RETURNING, not rowcount: SQLite's rowcount after a skipped insert is the last change's.
            added = (
                conn.execute(
                    insert(A)
                    .values(
                        hall_id=ctx.id, event_id=event.id, ticket_id=event.ticket_id, device=device, announced_at=now
                    )
                    .on_conflict_do_nothing(index_elements=["hall_id", "event_id"])
                    .returning(A.c.id)
                ).first()
                is not None
            )
            ticket = conn.execute(select(T).where(T.c.id == event.ticket_id)).one()
            gate = gate_for(conn, ctx, ticket, now)
            view = {
                "event_id": event.id,
                "recorded": added,
                "ticket": {"id": ticket.id, "number": ticket.number},
                "no_show": gate_view(gate, ctx) if ticket.state == CALLED else None,
            }
            if added:
                append_event(
                    self.s.db,
                    conn,
                    ctx.id,
                    "ticket.announced",
                    now,
                    {"ticket": view["ticket"], "call_event_id": event.id, "no_show": view["no_show"]},
                    ticket_id=ticket.id,
                    window_number=event.window_number,
                    actor=principal.label,
                )
        return view
