"""What a window does: call, recall, start, finish, no-show, hold, transfer; pause; who staffs it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from hall_common.i18n import message

from ..core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ..core.queue_policy import Candidate, choose_next
from ..core.ticket_states import ACTIVE, CALLED, HELD, WAITING, next_state
from ..storage.event_log import ticket_history
from ..storage.line_sql import (
    LEARN,
    OPEN_STAFFED,
    WAITING_BY_MATTER,
    adjust_line,
    bind_time,
    instant,
    line_heads_statement,
    read_time,
)
from ..storage.models import HallRuntime, HandlingStat, Staff, StaffShift, Ticket, Window
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .call_announcements import gate_for, refuse_early_no_show
from .context import HallContext
from .event_log import TICKET_EVENT, append_event
from .line_view import read_line
from .projection import day_view
from .ticket_view import ticket_view

T, W, S, R = table_of(Ticket), table_of(Window), table_of(Staff), table_of(HallRuntime)
SHIFTS, STATS = table_of(StaffShift), table_of(HandlingStat)
LEARNING_SPAN = 50  # the mean follows the last ~50 services, so it adapts when a matter gets faster

# Statements of the call-next path, built once: constructing them per call cost more CPU than
# running them, and thirty windows calling at once queue behind that CPU.
RUNTIME_LOCK = select(R).where(R.c.hall_id == bindparam("hall")).with_for_update()
WINDOW_ROW = select(W).where(W.c.hall_id == bindparam("hall"), W.c.number == bindparam("w_no"))
ACTIVE_ROW = (
    select(T)
    .where(T.c.hall_id == bindparam("hall"), T.c.window_number == bindparam("w_no"), T.c.state.in_(ACTIVE))
    .with_for_update()
)
TICKET_ROW = select(T).where(T.c.id == bindparam("ticket"))
CALL_TICKET = (
    update(T)
    .where(T.c.id == bindparam("ticket"), T.c.state == WAITING)
    .values(
        state=CALLED,
        window_number=bindparam("w_no"),
        target_window=None,
        call_count=1,
        called_at=bindparam("at"),
        staff_id=bindparam("staff"),
    )
)
SET_STREAK = update(R).where(R.c.hall_id == bindparam("hall")).values(priority_streak=bindparam("streak"))


_updates: dict[tuple[str, ...], Any] = {}


def _ticket_update(columns: tuple[str, ...]) -> Any:
    """UPDATE of these ticket columns, guarded by the state it was read in; built once per set."""
    stmt = _updates.get(columns)
    if stmt is None:
        stmt = (
            update(T)
            .where(T.c.id == bindparam("t_id"), T.c.state == bindparam("t_state"))
            .values({c: bindparam(f"v_{c}", type_=T.c[c].type) for c in columns})
        )
        _updates[columns] = stmt
    return stmt


def _values(changes: dict[str, Any]) -> dict[str, Any]:
    return {f"v_{c}": v for c, v in changes.items()}


def line_heads(
    conn: Connection, hall_id: int, service_date: Any, number: int, now: datetime, staffed: frozenset[int]
) -> list[Candidate]:
    """The first ticket of each class for window ``number``; the policy only ever picks a class head."""
    params = {"hall_id": hall_id, "service_date": service_date, "w_no": number, "now": bind_time(now)}
    return [
        Candidate(tid, channel, instant(queued_at), read_time(due_at), target, owner)
        for tid, channel, queued_at, due_at, target, owner in line_heads_statement(staffed).run(conn, params)
    ]


def durations(steps: Any) -> dict[str, float | None]:
    """Seconds waited (issue → first call) and served (start → finish), from the log alone."""
    first: dict[str, datetime] = {}
    for e in steps:
        first.setdefault(e.type, e.occurred_at)
    issued, called = first.get("ticket.issued"), first.get("ticket.called")
    started = first.get("ticket.started") or (first.get("ticket.finished") and called)
    finished = first.get("ticket.finished")
    return {
        "waited_seconds": (called - issued).total_seconds() if issued and called else None,
        "served_seconds": (finished - started).total_seconds() if started and finished else None,
    }


def announcement(number: str, window: int) -> str:
    return message("server.call_announcement", number=number, window=window)


class WindowDesk:
    def __init__(self, services: Services) -> None:
        self.s = services
        # (hall_id, staff_no, password, client) -> the staff row, or raises: the accounts' throttled
        # argon2 check, set by the server (a desk without it signs in only the caller itself).
        self.check_password: Callable[[int, str, str, str], Any] | None = None
        # Set by the composition root to the AB岗 roster's check (hall_server/services/ab_roster.py).
        self.handover_check: Callable[..., None] | None = None

    # --- helpers -------------------------------------------------------------------------
    def _window(self, conn: Connection, ctx: HallContext, number: int, lock: bool = False) -> Any:
        query = WINDOW_ROW.with_for_update() if lock else WINDOW_ROW
        row = conn.execute(query, {"hall": ctx.id, "w_no": number}).first()
        if row is None:
            raise NotFound("window_not_found", window=number)
        return row

    def _active(self, conn: Connection, ctx: HallContext, number: int) -> Any:
        return conn.execute(ACTIVE_ROW, {"hall": ctx.id, "w_no": number}).first()

    def window_view(self, conn: Connection, ctx: HallContext, row: Any, now: datetime) -> dict[str, Any]:
        staff = None
        if row.staff_id is not None:
            s = conn.execute(select(S).where(S.c.id == row.staff_id)).one()
            staff = {
                "staff_no": s.staff_no,
                "name": s.name,
                "photo_url": s.photo_url,
                "post": row.post,
                "signed_in_at": row.signed_in_at.astimezone(ctx.config.timezone).isoformat()
                if row.signed_in_at
                else None,
            }
        on_duty = row.number in ctx.schedule.moment(now).windows_on_duty
        if row.status != "open":
            state = row.status
        elif staff is None or not on_duty:
            state = "closed"  # nobody at the post, or outside this window's hours
        else:
            state = "serving"
        active = conn.execute(
            select(T.c.number, T.c.state, T.c.call_count).where(
                T.c.hall_id == ctx.id, T.c.window_number == row.number, T.c.state.in_(ACTIVE)
            )
        ).first()
        name = next((w.name for w in ctx.config.windows if w.number == row.number), row.name)
        return {
            "number": row.number,
            "name": name,
            "state": state,
            "status": row.status,
            "pause_reason": row.pause_reason,
            "on_duty": on_duty,
            "staff": staff,
            "current_number": active.number if active else None,
            "current_state": active.state if active else None,
            # How often the current number was called: the supervisor flags one stuck at its last call.
            "current_calls": active.call_count if active else None,
        }

    def _emit_window(
        self, conn: Connection, ctx: HallContext, number: int, now: datetime, actor: str
    ) -> dict[str, Any]:
        view = self.window_view(conn, ctx, self._window(conn, ctx, number), now)
        append_event(
            self.s.db, conn, ctx.id, "window.status", now, {"window_status": view}, window_number=number, actor=actor
        )
        return view

    def _emit_ticket(
        self, conn: Connection, ctx: HallContext, action: str, row: Any, now: datetime, actor: str, **extra: Any
    ) -> dict[str, Any]:
        view = ticket_view(row, ctx)
        # Boards and kiosks show the line's length; carrying it here spares them a re-read.
        waiting = sum(n for _, n in WAITING_BY_MATTER.run(conn, {"hall_id": ctx.id, "service_date": row.service_date}))
        data: dict[str, Any] = {"ticket": view, "waiting": waiting, **extra}
        if action in ("call", "recall"):
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
        db = self.s.db
        with db.write() as conn:
            # Serialise call-next per hall: two windows never get the same ticket, and the
            # anti-starvation streak stays consistent (FOR UPDATE on PostgreSQL; SQLite's
            # BEGIN IMMEDIATE already holds the only write lock).
            runtime = conn.execute(RUNTIME_LOCK, {"hall": ctx.id}).one()
            window = self._window(conn, ctx, number)
            self._require_can_serve(conn, ctx, window, now)
            staffed = self._serving_windows(conn, ctx, now)
            candidates = self._line_heads(conn, ctx, service_date, number, now, staffed)
            if ctx.schedule.window_role(now, number) == "appointments":
                # A 错时 window serving appointments only (the lunch slot) never calls a walk-in:
                # the same rule the projection plays (core/projection.py).
                candidates = [c for c in candidates if c.channel == "appointment" and c.due_at and c.due_at <= now]
            chosen, streak = choose_next(
                candidates, number, now, runtime.priority_streak, ctx.config.queue.max_priority_streak, staffed
            )
            if chosen is None:
                return {"ticket": None, "waiting": 0}
            done = conn.execute(CALL_TICKET, {"ticket": chosen.id, "w_no": number, "at": now, "staff": window.staff_id})
            if done.rowcount != 1:  # cannot happen under the lock; refuse rather than double-call
                raise Conflict("ticket_taken")
            row = conn.execute(TICKET_ROW, {"ticket": chosen.id}).one()
            adjust_line(conn, ctx.id, row.service_date, row.matter_id, -1)
            conn.execute(SET_STREAK, {"hall": ctx.id, "streak": streak})
            view = self._emit_ticket(conn, ctx, "call", row, now, principal.label)
        return {"ticket": view}

    def _require_can_serve(self, conn: Connection, ctx: HallContext, window: Any, now: datetime) -> None:
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
        active = self._active(conn, ctx, window.number)
        if active is not None:
            raise Conflict("window_busy", window=window.number, number=active.number).with_details(
                current=ticket_view(active, ctx)
            )

    def _serving_windows(self, conn: Connection, ctx: HallContext, now: datetime) -> frozenset[int]:
        """Windows open, staffed and on duty now (the owners a return-lane ticket waits for)."""
        on_duty = ctx.schedule.moment(now).windows_on_duty
        rows = OPEN_STAFFED.run(conn, {"hall_id": ctx.id})
        return frozenset(number for (number,) in rows if number in on_duty)

    def _line_heads(
        self, conn: Connection, ctx: HallContext, service_date: Any, number: int, now: datetime, staffed: frozenset[int]
    ) -> list[Candidate]:
        return line_heads(conn, ctx.id, service_date, number, now, staffed)

    # --- acting on the current ticket ---------------------------------------------------
    def _act(self, principal: Principal, number: int, action: str, **values: Any) -> dict[str, Any]:
        principal.require_window(number)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            window = self._window(conn, ctx, number)
            row = self._active(conn, ctx, number)
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
        row: Any,
        action: str,
        now: datetime,
        actor: str,
        *,
        reason: str | None = None,
        **values: Any,
    ) -> dict[str, Any]:
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
            self._learn(conn, ctx, row.matter_id, (now - (row.started_at or now)).total_seconds())
        done = conn.execute(_ticket_update(tuple(changes)), {"t_id": row.id, "t_state": row.state} | _values(changes))
        if done.rowcount != 1:
            raise Conflict("ticket_changed")
        fresh = conn.execute(TICKET_ROW, {"ticket": row.id}).one()
        if (row.state == WAITING) != (fresh.state == WAITING) or row.matter_id != fresh.matter_id:
            if row.state == WAITING:
                adjust_line(conn, ctx.id, row.service_date, row.matter_id, -1)
            if fresh.state == WAITING:
                adjust_line(conn, ctx.id, fresh.service_date, fresh.matter_id, +1)
        extra = {"reason": reason} if reason else {}
        return self._emit_ticket(conn, ctx, action, fresh, now, actor, **extra)

    def _learn(self, conn: Connection, ctx: HallContext, matter_id: int | None, seconds: float) -> None:
        if not 0 < seconds < 4 * 3600:  # a service left open over lunch teaches nothing
            return
        LEARN.run(
            conn, {"hall_id": ctx.id, "matter_key": matter_id or 0, "seconds": float(seconds), "span": LEARNING_SPAN}
        )

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
            self._window(conn, ctx, number)
            active = self._active(conn, ctx, number)
            if active is not None:
                raise Conflict("window_busy", window=number, number=active.number)
            query = select(T).where(T.c.hall_id == ctx.id, T.c.window_number == number, T.c.state == HELD)
            if ticket_id is not None:
                query = query.where(T.c.id == ticket_id)
            row = conn.execute(query.order_by(T.c.id.desc()).limit(1).with_for_update()).first()
            if row is None:
                raise Conflict("no_held_ticket", window=number)
            view = self._apply(conn, ctx, row, "resume", now, principal.label)
        return {"ticket": view}

    def transfer(
        self, principal: Principal, number: int, to: str, to_window: int | None = None, matter_id: int | None = None
    ) -> dict[str, Any]:
        """Hand the current ticket to another window, back to the line, or to another matter."""
        principal.require_window(number)
        ctx = self.s.halls.get(principal.hall_id)
        if to not in ("line", "window", "matter"):
            raise InvalidInput("invalid_transfer_target", to=to)
        if to == "window" and (to_window is None or to_window not in ctx.config.window_numbers or to_window == number):
            raise InvalidInput("invalid_transfer_window", window=to_window)
        if to == "matter" and (matter_id is None or matter_id not in ctx.matters):
            raise NotFound("matter_not_found", matter_id=matter_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            self._window(conn, ctx, number)
            row = self._active(conn, ctx, number)
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

    # --- the window itself ----------------------------------------------------------------
    def _set_window(self, principal: Principal, number: int, status: str, reason: str | None) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            self._window(conn, ctx, number, lock=True)
            conn.execute(
                update(W).where(W.c.hall_id == ctx.id, W.c.number == number).values(status=status, pause_reason=reason)
            )
            view = self._emit_window(conn, ctx, number, now, principal.label)
        return {"window": view}

    def pause(self, principal: Principal, number: int, reason: str) -> dict[str, Any]:
        principal.require_window(number)
        if not reason or not reason.strip():
            raise InvalidInput("pause_reason_required")
        # The reason is shown on the public board: only the hall's fixed list, never free text
        # (a clerk once typed a resident's phone number there).
        allowed = self.s.halls.get(principal.hall_id).config.allowed_pause_reasons
        if reason.strip() not in allowed:
            raise InvalidInput("pause_reason_not_allowed", reasons="、".join(allowed))
        return self._set_window(principal, number, "paused", reason.strip())

    def resume_window(self, principal: Principal, number: int) -> dict[str, Any]:
        principal.require_window(number)
        return self._set_window(principal, number, "open", None)

    def close_window(self, principal: Principal, number: int, reason: str) -> dict[str, Any]:
        """关闭窗口 changes the hall's capacity: the supervisor says why (kept with the window)."""
        reason = reason.strip()[:200]
        if not reason:
            raise InvalidInput("field_required", field="reason")
        return self._set_window(principal, number, "closed", reason)

    def open_window(self, principal: Principal, number: int) -> dict[str, Any]:
        return self._set_window(principal, number, "open", None)

    def sign_in(
        self,
        principal: Principal,
        number: int,
        staff_no: str | None,
        post: str,
        take_over: bool = False,
        reason: str | None = None,
        password: str | None = None,
        client: str = "local",
    ) -> dict[str, Any]:
        """A clerk takes the window's A or B post (AB岗); taking over from someone is logged.
        One signs in oneself; another person only with that person's password, or by a supervisor
        (services are credited to whoever is signed in, so this is who gets the 好差评 and the counts)."""
        principal.require_window(number)
        if post not in ("A", "B"):
            raise InvalidInput("invalid_post", post=post)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        if staff_no and principal.role not in ("supervisor", "admin"):
            with self.s.db.read() as conn:
                target = conn.execute(
                    select(S.c.id).where(S.c.hall_id == ctx.id, S.c.staff_no == staff_no.strip())
                ).scalar()
            if target is None or target != principal.staff_id:
                self._vouch(ctx.id, staff_no.strip(), password, client)
        with self.s.db.write() as conn:
            query = select(S).where(S.c.hall_id == ctx.id, S.c.active.is_(True))
            if principal.staff_id is not None and not staff_no:
                staff = conn.execute(query.where(S.c.id == principal.staff_id)).first()
            else:
                staff = conn.execute(query.where(S.c.staff_no == (staff_no or "").strip())).first()
            if staff is None:
                raise NotFound("staff_not_found", staff_no=staff_no)
            window = self._window(conn, ctx, number, lock=True)
            if window.staff_id == staff.id:
                return {"window": self.window_view(conn, ctx, window, now)}
            elsewhere = conn.execute(select(W.c.number).where(W.c.hall_id == ctx.id, W.c.staff_id == staff.id)).first()
            if elsewhere is not None:
                raise Conflict("staff_signed_in_elsewhere", window=elsewhere.number)
            if window.staff_id is not None:
                if not take_over:
                    raise Conflict("window_staffed", window=number)
                self._end_shift(conn, ctx, number, now, reason or message("server.handover_default"))
            conn.execute(update(W).where(W.c.id == window.id).values(staff_id=staff.id, post=post, signed_in_at=now))
            shift_id = conn.execute(
                SHIFTS.insert()
                .returning(SHIFTS.c.id)
                .values(hall_id=ctx.id, window_number=number, staff_id=staff.id, post=post, signed_in_at=now)
            ).scalar_one()
            if self.handover_check is not None:  # AB岗 roster: planned or not, a reason when not
                self.handover_check(conn, ctx.id, number, staff.id, reason, shift_id, ctx.schedule.local_date(now))
            view = self._emit_window(conn, ctx, number, now, principal.label)
        return {"window": view}

    def _vouch(self, hall_id: int, staff_no: str, password: str | None, client: str) -> None:
        if not password:
            raise Forbidden("sign_in_needs_password", "server.sign_in_needs_password", staff_no=staff_no)
        if self.check_password is None:
            raise Forbidden("sign_in_needs_password", "server.sign_in_needs_password", staff_no=staff_no)
        try:
            self.check_password(hall_id, staff_no, password, client)
        except DomainError as exc:
            if exc.code != "invalid_credentials":
                raise  # throttled: 429 as at the log-in
            raise Forbidden("sign_in_wrong_password", "server.sign_in_wrong_password", staff_no=staff_no) from None

    def sign_out(self, principal: Principal, number: int, reason: str | None = None) -> dict[str, Any]:
        principal.require_window(number)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            window = self._window(conn, ctx, number, lock=True)
            if window.staff_id is None:
                raise Conflict("window_not_staffed", window=number)
            active = self._active(conn, ctx, number)
            if active is not None:
                raise Conflict("window_busy", window=number, number=active.number)
            self._end_shift(conn, ctx, number, now, reason)
            conn.execute(update(W).where(W.c.id == window.id).values(staff_id=None, post=None, signed_in_at=None))
            view = self._emit_window(conn, ctx, number, now, principal.label)
        return {"window": view}

    def _end_shift(self, conn: Connection, ctx: HallContext, number: int, now: datetime, reason: str | None) -> None:
        conn.execute(
            update(SHIFTS)
            .where(SHIFTS.c.hall_id == ctx.id, SHIFTS.c.window_number == number, SHIFTS.c.signed_out_at.is_(None))
            .values(signed_out_at=now, sign_out_reason=reason)
        )

    def cancel(self, principal: Principal, ticket_id: int, reason: str) -> dict[str, Any]:
        """作废 a resident's number (supervisor): the reason stays in the ticket's event log."""
        reason = reason.strip()[:200]
        if not reason:
            raise InvalidInput("field_required", field="reason")
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            row = conn.execute(select(T).where(T.c.id == ticket_id, T.c.hall_id == ctx.id).with_for_update()).first()
            if row is None:
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            view = self._apply(conn, ctx, row, "cancel", now, principal.label, reason=reason)
        return {"ticket": view}

    # --- reads ------------------------------------------------------------------------
    def projection(self, principal: Principal) -> dict[str, Any]:
        """Today's projection for the supervisor page (services/projection.py)."""
        ctx = self.s.halls.get(principal.hall_id)
        with self.s.db.read() as conn:
            return day_view(conn, ctx, self.s.clock.now())

    def history(self, principal: Principal, ticket_id: int) -> dict[str, Any]:
        """The ticket's state log; durations (waiting, service) are derived from it."""
        ctx = self.s.halls.get(principal.hall_id)
        with self.s.db.read() as conn:
            row = conn.execute(select(T).where(T.c.id == ticket_id, T.c.hall_id == ctx.id)).first()
            if row is None:
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            steps = ticket_history(conn, ticket_id)
        view = []
        state = None
        for e in steps:
            # Ticket events carry the ticket's new state; others about it (rating.recorded) keep the last one.
            state = (e.data.get("ticket") or {}).get("state", state)
            view.append(
                {
                    "event_id": e.id,
                    "type": e.type,
                    "at": e.occurred_at.astimezone(ctx.config.timezone).isoformat(),
                    "window": e.window_number,
                    "state": state,
                }
            )
        return {
            "ticket": ticket_view(row, ctx),
            "steps": view,
            "durations": durations(steps),
        }

    def windows(self, principal: Principal) -> list[dict[str, Any]]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            rows = conn.execute(select(W).where(W.c.hall_id == ctx.id).order_by(W.c.number)).all()
            return [self.window_view(conn, ctx, r, now) for r in rows]

    def line(self, principal: Principal) -> dict[str, Any]:
        """The whole waiting line in calling order (for clerks, supervisors and boards)."""
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            return read_line(conn, ctx, now, principal.window_number)
