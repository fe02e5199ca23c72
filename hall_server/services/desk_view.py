"""Everything a window terminal shows in one read: its window, current and held tickets, the
line, the load to closing time, and the actions the ticket state machine allows now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ..core.ticket_states import ACTIVE, desk_actions
from ..storage.case_models import Case
from ..storage.models import Staff, StaffShift, Ticket
from .access import Principal
from .base import Services
from .call_announcements import gate_for, gate_view
from .line_view import read_line
from .projection import load_line
from .ticket_view import ticket_view
from .window_posts import window_or_404, window_view

T, S, SH, C = Ticket.__table__, Staff.__table__, StaffShift.__table__, Case.__table__

# The terminal lists the line in a box that shows about a dozen numbers at 1366×768 (more on a bigger
# screen) and scrolls; the clerk calls from its head (call-next) and never picks deeper in. A few
# screens' worth is all it gets; the counts per class still say how many wait (line.by_class).
DESK_LINE_ROWS = 30


class DeskView:
    def __init__(self, services: Services) -> None:
        self.s = services
        # Set by the composition root to the AB岗 roster's notes (shift ids -> planned, reason).
        self.shift_notes: Callable[[list[int]], dict[int, dict[str, Any]]] | None = None

    def desk(self, principal: Principal, number: int) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        today = ctx.schedule.local_date(now)
        with self.s.db.read() as conn:
            wrow = window_or_404(conn, ctx, number)
            window = window_view(conn, ctx, wrow, now)
            current = conn.execute(
                select(T).where(T.c.hall_id == ctx.id, T.c.window_number == number, T.c.state.in_(ACTIVE))
            ).first()
            held = conn.execute(
                select(T)
                .where(T.c.hall_id == ctx.id, T.c.window_number == number, T.c.state == "held")
                .order_by(T.c.id)
            ).all()
            done_today = conn.execute(
                select(func.count())
                .select_from(T)
                .where(
                    T.c.hall_id == ctx.id,
                    T.c.service_date == today,
                    T.c.window_number == number,
                    T.c.state == "finished",
                )
            ).scalar_one()
            # A return-lane number (补交材料/领取结果) names its case: the terminal opens it at once.
            case_no = (
                conn.execute(select(C.c.case_no).where(C.c.id == current.case_id)).scalar()
                if current is not None and current.case_id is not None
                else None
            )
            # The load line reads the day's projection: windows really serving until closing.
            load = load_line(conn, ctx, now)
            line = read_line(conn, ctx, now, principal.window_number, DESK_LINE_ROWS)
            gate = gate_for(conn, ctx, current, now) if current is not None and current.state == "called" else None
        no_show_after = ctx.config.queue.no_show_after_calls
        return {
            "window": window,
            "current": ticket_view(current, ctx) | {"case_no": case_no} if current else None,
            "held": [ticket_view(r, ctx) for r in held],
            "line": line,
            "load": load,
            "finished_today": done_today,
            "server_time": now.isoformat(),
            "no_show_after_calls": no_show_after,
            # Why 过号 is not offered yet, and when it will be (the terminal counts down to "at").
            "no_show": gate_view(gate, ctx) if gate else None,
            "pause_reasons": list(ctx.config.allowed_pause_reasons),
            "windows": [w.number for w in ctx.config.windows],
            "allowed_actions": desk_actions(
                wrow.status,
                current.state if current else None,
                gate.allowed if gate else False,
                len(held),
            ),
        }

    def shifts(self, principal: Principal, day: date | None) -> dict[str, Any]:
        """The AB岗 hand-over log of one local day (only that day's rows are read)."""
        ctx = self.s.halls.get(principal.hall_id)
        tz = ctx.config.timezone
        day = day or ctx.schedule.local_date(self.s.clock.now())
        start = datetime(day.year, day.month, day.day, tzinfo=tz)
        end = start + timedelta(days=1)
        with self.s.db.read() as conn:
            rows = conn.execute(
                select(SH, S.c.staff_no, S.c.name)
                .join(S, S.c.id == SH.c.staff_id)
                .where(SH.c.hall_id == ctx.id, SH.c.signed_in_at >= start, SH.c.signed_in_at < end)
                .order_by(SH.c.id)
            ).all()
        notes = self.shift_notes([r.id for r in rows]) if self.shift_notes else {}
        return {
            "date": day.isoformat(),
            "shifts": [
                {
                    "window": r.window_number,
                    "post": r.post,
                    "staff_no": r.staff_no,
                    "name": r.name,
                    "signed_in_at": r.signed_in_at.astimezone(tz).isoformat(),
                    "signed_out_at": r.signed_out_at.astimezone(tz).isoformat() if r.signed_out_at else None,
                    "reason": r.sign_out_reason,
                    # AB岗 roster: whether the planned person took the post, and why not
                    "planned": notes.get(r.id, {}).get("planned"),
                    "takeover_reason": notes.get(r.id, {}).get("reason"),
                }
                for r in rows
            ],
        }
