"""What a window does with tickets: call the next, recall, start, finish, 过号, hold, resume,
transfer, and the supervisor's 作废. Each is one transaction checked by core/ticket_states.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from hall_common.i18n import message

from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.queue_policy import choose_next
from ..core.ticket_states import next_state
from ..storage.repositories.tickets import TicketRecord, TicketRepository
from ..storage.repositories.windows import WindowRecord, WindowRepository
from .access import Principal
from .base import Services
from .call_announcements import gate_for, refuse_early_no_show
from .context import HallContext
from .event_log import TICKET_EVENT, append_event
from .event_payloads import TicketChanged
from .ticket_view import ticket_view
from .window_posts import window_or_404

LEARNING_SPAN = 50  # the mean follows the last ~50 services, so it adapts when a matter gets faster


def announcement(number: str, window: int) -> str:
    return message("server.call_announcement", number=number, window=window)


class TicketActions:
    def __init__(self, services: Services) -> None:
        self.s = services

    def _emit_ticket(
        self,
        conn: Connection,
        ctx: HallContext,
        action: str,
        row: TicketRecord,
        now: datetime,
        actor: str,
        reason: str | None = None,
    ) -> dict[str, Any]:
        view = ticket_view(row, ctx)
        # Boards and kiosks show the line's length; carrying it here spares them a re-read.
        data: TicketChanged = {"ticket": view, "waiting": TicketRepository(conn).waiting(ctx.id, row.service_date)}
        if reason:
            data["reason"] = reason
        if action in ("call", "recall"):
            assert row.window_number is not None  # a called ticket is at a window
            data["text"] = announcement(row.number, row.window_number)
        append_event(
            self.s.db,
            conn,
            ctx.id,
            TICKET_EVENT[action],
            now,
            data,
            ticket_id=row.id,
            window_number=row.window_number,
            actor=actor,
        )
        return view

    # --- calling ----------------------------------------------------------------------
    def call_next(self, principal: Principal, number: int) -> dict[str, Any]:
        principal.require_window(number)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        service_date = ctx.schedule.local_date(now)
        with self.s.db.write() as conn:
            tickets = TicketRepository(conn)
            streak = tickets.lock_calling(ctx.id)
            window = window_or_404(conn, ctx, number)
            self._require_can_serve(conn, ctx, window, now)
            # Windows open, staffed and on duty now (the owners a return-lane ticket waits for).
            on_duty = ctx.schedule.moment(now).windows_on_duty
            staffed = frozenset(n for n in WindowRepository(conn).open_and_staffed(ctx.id) if n in on_duty)
            candidates = tickets.line_heads(ctx.id, service_date, number, now, staffed)
            if ctx.schedule.window_role(now, number) == "appointments":
                # A 错时 window serving appointments only (the lunch slot) never calls a walk-in:
                # the same rule the projection plays (core/projection.py).
                candidates = [c for c in candidates if c.channel == "appointment" and c.due_at and c.due_at <= now]
            chosen, streak = choose_next(candidates, number, now, streak, ctx.config.queue.max_priority_streak, staffed)
            if chosen is None:
                return {"ticket": None, "waiting": 0}
            row = tickets.call(chosen.id, number, now, window.staff_id)
            if row is None:  # cannot happen under the lock; refuse rather than double-call
                raise Conflict("ticket_taken")
            tickets.set_priority_streak(ctx.id, streak)
            view = self._emit_ticket(conn, ctx, "call", row, now, principal.label)
        return {"ticket": view}

    def _require_can_serve(self, conn: Connection, ctx: HallContext, window: WindowRecord, now: datetime) -> None:
        if window.status == "paused":
            raise Conflict("window_paused", window=window.number)
        if window.status == "closed":
            raise Conflict("window_closed", window=window.number)
        if window.staff_id is None:
            raise Conflict("window_not_staffed", window=window.number)
        if window.number not in ctx.schedule.moment(now).windows_on_duty:
            nxt = ctx.schedule.next_open_at(now)
            raise Conflict("window_off_duty", window=window.number).with_details(
                next_open_at=nxt.astimezone(ctx.config.timezone).isoformat() if nxt else None
            )
        active = TicketRepository(conn).active_at(ctx.id, window.number)
        if active is not None:
            raise Conflict("window_busy", window=window.number, number=active.number).with_details(
                current=ticket_view(active, ctx)
            )

    # --- acting on the current ticket ---------------------------------------------------
    def _act(self, principal: Principal, number: int, action: str, **values: Any) -> dict[str, Any]:
        principal.require_window(number)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            window = window_or_404(conn, ctx, number)
            row = TicketRepository(conn).active_at(ctx.id, number)
            if row is None:
                raise Conflict("no_current_ticket", window=number)
            if action == "finish" and window.staff_id is not None:
                # 好差评 and figures credit whoever is signed in when the service ends (AB岗 take-over).
                values["staff_id"] = window.staff_id
            view = self._apply(conn, ctx, row, action, now, principal.label, **values)
        return {"ticket": view}

    def _apply(
        self,
        conn: Connection,
        ctx: HallContext,
        row: TicketRecord,
        action: str,
        now: datetime,
        actor: str,
        *,
        reason: str | None = None,
        **values: Any,
    ) -> dict[str, Any]:
        tickets = TicketRepository(conn)
        target = next_state(action, row.state, row.number)
        changes: dict[str, Any] = {"state": target, **values}
        if action == "recall":
            changes["call_count"] = row.call_count + 1
            changes["called_at"] = now
        elif action == "no_show":
            # Only once the hall has really said the number (core/no_show_rule.py).
            gate = gate_for(conn, ctx, row, now)
            if not gate.allowed:
                raise refuse_early_no_show(gate, ctx, row.number)
        elif action == "start":  # finish only follows a start (core/ticket_states.py)
            changes["started_at"] = now
        if action == "finish":
            changes["finished_at"] = now
            seconds = (now - (row.started_at or now)).total_seconds()
            if 0 < seconds < 4 * 3600:  # a service left open over lunch teaches nothing
                tickets.learn(ctx.id, row.matter_id, seconds, LEARNING_SPAN)
        fresh = tickets.change(row, changes)
        if fresh is None:
            raise Conflict("ticket_changed")
        return self._emit_ticket(conn, ctx, action, fresh, now, actor, reason)

    def recall(self, p: Principal, n: int) -> dict[str, Any]:
        return self._act(p, n, "recall")

    def start(self, p: Principal, n: int) -> dict[str, Any]:
        return self._act(p, n, "start")

    def finish(self, p: Principal, n: int) -> dict[str, Any]:
        return self._act(p, n, "finish")

    def no_show(self, p: Principal, n: int) -> dict[str, Any]:
        return self._act(p, n, "no_show")

    def hold(self, p: Principal, n: int) -> dict[str, Any]:
        return self._act(p, n, "hold")

    def resume(self, principal: Principal, number: int, ticket_id: int | None = None) -> dict[str, Any]:
        """Resume a held ticket at this window (the most recently held one if none is named)."""
        principal.require_window(number)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            tickets = TicketRepository(conn)
            window_or_404(conn, ctx, number)
            active = tickets.active_at(ctx.id, number)
            if active is not None:
                raise Conflict("window_busy", window=number, number=active.number)
            row = tickets.held_at(ctx.id, number, ticket_id)
            if row is None:
                raise Conflict("no_held_ticket", window=number)
            view = self._apply(conn, ctx, row, "resume", now, principal.label)
        return {"ticket": view}

    def transfer(
        self, principal: Principal, number: int, to: str, to_window: int | None = None, matter_id: int | None = None
    ) -> dict[str, Any]:
        """Hand the current ticket to another window, back to the line, or to another matter
        (``to``: one of those three, as the route's schema allows)."""
        principal.require_window(number)
        ctx = self.s.halls.get(principal.hall_id)
        if to == "window" and (to_window is None or to_window not in ctx.config.window_numbers or to_window == number):
            raise InvalidInput("invalid_transfer_window", window=to_window)
        if to == "matter" and (matter_id is None or matter_id not in ctx.matters):
            raise NotFound("matter_not_found", matter_id=matter_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            window_or_404(conn, ctx, number)
            row = TicketRepository(conn).active_at(ctx.id, number)
            if row is None:
                raise Conflict("no_current_ticket", window=number)
            # Back in the line the ticket keeps its original place: the resident did nothing wrong.
            values: dict[str, Any] = {
                "window_number": None,
                "target_window": to_window if to == "window" else None,
                "call_count": 0,
            }
            if to == "matter":
                values["matter_id"] = matter_id
            view = self._apply(conn, ctx, row, "transfer", now, principal.label, **values)
            view["transferred_from"] = number
        return {"ticket": view}

    def cancel(self, principal: Principal, ticket_id: int, reason: str) -> dict[str, Any]:
        """作废 a resident's number (supervisor): the reason stays in the ticket's event log."""
        reason = reason.strip()[:200]
        if not reason:
            raise InvalidInput("field_required", field="reason")
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            row = TicketRepository(conn).in_hall(ctx.id, ticket_id, lock=True)
            if row is None:
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            view = self._apply(conn, ctx, row, "cancel", now, principal.label, reason=reason)
        return {"ticket": view}
