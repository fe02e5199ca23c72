"""The window itself: open, paused or closed, and who staffs its A or B post (AB岗)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Connection

from hall_common.i18n import message

from ..core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ..storage.repositories.staff import StaffRepository
from ..storage.repositories.tickets import TicketRepository
from ..storage.repositories.windows import WindowRecord, WindowRepository
from .access import Principal
from .base import Services
from .context import HallContext
from .event_log import append_event


def window_or_404(conn: Connection, ctx: HallContext, number: int, lock: bool = False) -> WindowRecord:
    row = WindowRepository(conn).get(ctx.id, number, lock=lock)
    if row is None:
        raise NotFound("window_not_found", window=number)
    return row


class PostView(TypedDict):
    staff_no: str
    name: str
    photo_url: str | None
    post: str | None
    signed_in_at: str | None


class WindowView(TypedDict):
    """A window as terminals, boards and the supervisor see it (also the window.status event)."""

    number: int
    name: str
    state: str  # serving / closed / paused: what the board shows
    status: str  # open / paused / closed: as the window was set
    pause_reason: str | None
    on_duty: bool
    staff: PostView | None
    current_number: str | None
    current_state: str | None
    current_calls: int | None


def window_view(conn: Connection, ctx: HallContext, row: WindowRecord, now: datetime) -> WindowView:
    staff: PostView | None = None
    if row.staff_id is not None:
        s = StaffRepository(conn).card(row.staff_id)
        staff = {
            "staff_no": s.staff_no,
            "name": s.name,
            "photo_url": s.photo_url,
            "post": row.post,
            "signed_in_at": row.signed_in_at.astimezone(ctx.config.timezone).isoformat() if row.signed_in_at else None,
        }
    on_duty = row.number in ctx.schedule.moment(now).windows_on_duty
    if row.status != "open":
        state = row.status
    elif staff is None or not on_duty:
        state = "closed"  # nobody at the post, or outside this window's hours
    else:
        state = "serving"
    active = TicketRepository(conn).active_at(ctx.id, row.number, lock=False)
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


class WindowPosts:
    def __init__(self, services: Services) -> None:
        self.s = services
        # (hall_id, staff_no, password, client) -> the staff row, or raises: the accounts' throttled
        # argon2 check, set by the server (a desk without it signs in only the caller itself).
        self.check_password: Callable[[int, str, str, str], Any] | None = None
        # Set by the composition root to the AB岗 roster's check (hall_server/services/ab_roster.py).
        self.handover_check: Callable[..., None] | None = None

    def _emit_window(self, conn: Connection, ctx: HallContext, number: int, now: datetime, actor: str) -> WindowView:
        view = window_view(conn, ctx, window_or_404(conn, ctx, number), now)
        append_event(
            self.s.db, conn, ctx.id, "window.status", now, {"window_status": view}, window_number=number, actor=actor
        )
        return view

    def windows(self, principal: Principal) -> list[WindowView]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            return [window_view(conn, ctx, r, now) for r in WindowRepository(conn).all(ctx.id)]

    # --- open, paused, closed --------------------------------------------------------------
    def _set_window(self, principal: Principal, number: int, status: str, reason: str | None) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            window_or_404(conn, ctx, number, lock=True)
            WindowRepository(conn).set_status(ctx.id, number, status, reason)
            view = self._emit_window(conn, ctx, number, now, principal.label)
        return {"window": view}

    def pause(self, principal: Principal, number: int, reason: str) -> dict[str, Any]:
        principal.require_window(number)
        if not reason.strip():
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

    # --- who is at the post ----------------------------------------------------------------
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
        """A clerk takes the window's A or B post (AB岗; the route's schema allows only those);
        taking over from someone is logged. One signs in oneself; another person only with that
        person's password, or by a supervisor (services are credited to whoever is signed in, so
        this is who gets the 好差评 and the counts)."""
        principal.require_window(number)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        if staff_no and principal.role not in ("supervisor", "admin"):
            with self.s.db.read() as conn:
                target = StaffRepository(conn).id_of(ctx.id, staff_no.strip())
            if target is None or target != principal.staff_id:
                self._vouch(ctx.id, staff_no.strip(), password, client)
        with self.s.db.write() as conn:
            windows, staff = WindowRepository(conn), StaffRepository(conn)
            if principal.staff_id is not None and not staff_no:
                staff_id = staff.active_id(ctx.id, staff_id=principal.staff_id)
            else:
                staff_id = staff.active_id(ctx.id, staff_no=(staff_no or "").strip())
            if staff_id is None:
                raise NotFound("staff_not_found", staff_no=staff_no)
            window = window_or_404(conn, ctx, number, lock=True)
            if window.staff_id == staff_id:
                return {"window": window_view(conn, ctx, window, now)}
            elsewhere = windows.window_of(ctx.id, staff_id)
            if elsewhere is not None:
                raise Conflict("staff_signed_in_elsewhere", window=elsewhere)
            if window.staff_id is not None:
                if not take_over:
                    raise Conflict("window_staffed", window=number)
                windows.end_shift(ctx.id, number, now, reason or message("server.handover_default"))
            shift_id = windows.sign_in(window, staff_id, post, now)
            if self.handover_check is not None:  # AB岗 roster: planned or not, a reason when not
                self.handover_check(conn, ctx.id, number, staff_id, reason, shift_id, ctx.schedule.local_date(now))
            view = self._emit_window(conn, ctx, number, now, principal.label)
        return {"window": view}

    def _vouch(self, hall_id: int, staff_no: str, password: str | None, client: str) -> None:
        if not password or self.check_password is None:
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
            window = window_or_404(conn, ctx, number, lock=True)
            if window.staff_id is None:
                raise Conflict("window_not_staffed", window=number)
            active = TicketRepository(conn).active_at(ctx.id, number)
            if active is not None:
                raise Conflict("window_busy", window=number, number=active.number)
            windows = WindowRepository(conn)
            windows.end_shift(ctx.id, number, now, reason)
            windows.sign_out(window)
            view = self._emit_window(conn, ctx, number, now, principal.label)
        return {"window": view}
