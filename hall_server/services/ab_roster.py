"""AB岗 roster: the planned A and B person of each window post and their leave days. A take-over
by the planned person is "planned"; anyone else may take the post only with a reason, and the
hand-over log says which it was."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, select

from ..core.errors import InvalidInput, NotFound
from ..storage.models import Staff, Window
from ..storage.stats_models import HandoverNote, PostPlan, StaffLeave
from .access import Principal
from .base import Services
from .statistics import parse_month

P, LV, N, S, W = (cast(Table, m.__table__) for m in (PostPlan, StaffLeave, HandoverNote, Staff, Window))


def _err(cls: type[Exception], code: str, **fields: Any) -> Exception:
    return cls(code, f"operations.{code}", **fields)


class AbRoster:
    def __init__(self, services: Services) -> None:
        self.s = services

    # --- planning -----------------------------------------------------------------------
    def set_plan(
        self, principal: Principal, window: int, a_staff_no: str | None, b_staff_no: str | None
    ) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        if window not in ctx.config.window_numbers:
            raise NotFound("window_not_found", window=window)
        with self.s.db.write() as conn:
            a = self._staff_id(conn, ctx.id, a_staff_no)
            b = self._staff_id(conn, ctx.id, b_staff_no)
            if a is not None and a == b:
                raise _err(InvalidInput, "ab_same_person")
            conn.execute(P.delete().where(P.c.hall_id == ctx.id, P.c.window_number == window))
            conn.execute(P.insert().values(hall_id=ctx.id, window_number=window, a_staff_id=a, b_staff_id=b))
        return self.roster(principal, None)

    def set_leave(self, principal: Principal, staff_no: str, day_text: str, on_leave: bool) -> dict[str, Any]:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise _err(InvalidInput, "stats_bad_date", field="date", value=day_text[:40]) from None
        with self.s.db.write() as conn:
            staff_id = self._staff_id(conn, principal.hall_id, staff_no)
            conn.execute(
                LV.delete().where(LV.c.hall_id == principal.hall_id, LV.c.staff_id == staff_id, LV.c.day == day)
            )
            if on_leave:
                conn.execute(LV.insert().values(hall_id=principal.hall_id, staff_id=staff_id, day=day))
        return self.roster(principal, day.strftime("%Y-%m"))

    def roster(self, principal: Principal, month: str | None) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        today = ctx.schedule.local_date(self.s.clock.now())
        first, last = parse_month(month or today.strftime("%Y-%m"))
        with self.s.db.read() as conn:
            names = self._names(conn, ctx.id)
            plans = {r.window_number: r for r in conn.execute(select(P).where(P.c.hall_id == ctx.id))}
            leave = conn.execute(
                select(LV).where(LV.c.hall_id == ctx.id, LV.c.day.between(first, last)).order_by(LV.c.day)
            ).all()
        return {
            "month": first.strftime("%Y-%m"),
            "posts": [
                {
                    "window": n,
                    "a": names.get(plans[n].a_staff_id) if n in plans else None,
                    "b": names.get(plans[n].b_staff_id) if n in plans else None,
                }
                for n in ctx.config.window_numbers
            ],
            "leave": [{**names[r.staff_id], "date": r.day.isoformat()} for r in leave],
        }

    # --- the take-over screen and the hand-over log ---------------------------------------
    def options(self, principal: Principal, window: int) -> dict[str, Any]:
        """Who should take the post now: the planned B (or A when B is the one on duty), not on leave."""
        principal.require_window(window)
        ctx = self.s.halls.get(principal.hall_id)
        today = ctx.schedule.local_date(self.s.clock.now())
        with self.s.db.read() as conn:
            plan = conn.execute(select(P).where(P.c.hall_id == ctx.id, P.c.window_number == window)).first()
            names = self._names(conn, ctx.id)
            away = self._on_leave(conn, ctx.id, today)
            on_duty = conn.execute(select(W.c.staff_id).where(W.c.hall_id == ctx.id, W.c.number == window)).scalar()
        if plan is None:
            return {"window": window, "planned": None, "you_are_planned": None}
        order = [(plan.b_staff_id, "B"), (plan.a_staff_id, "A")]
        planned = next(
            (
                {**names[sid], "post": post}
                for sid, post in order
                if sid is not None and sid != on_duty and sid not in away
            ),
            None,
        )
        mine = principal.staff_id
        return {
            "window": window,
            "planned": planned,
            "you_are_planned": mine is not None and mine in (plan.a_staff_id, plan.b_staff_id) and mine not in away,
        }

    def check_handover(
        self, conn: Connection, hall_id: int, window: int, staff_id: int, reason: str | None, shift_id: int, day: date
    ) -> None:
        """Called inside the sign-in transaction: refuse an unplanned person without a reason, and note
        whether the shift was planned. A window without a plan has no rule."""
        plan = conn.execute(select(P).where(P.c.hall_id == hall_id, P.c.window_number == window)).first()
        if plan is None:
            return
        planned = staff_id in (plan.a_staff_id, plan.b_staff_id) and staff_id not in self._on_leave(conn, hall_id, day)
        if not planned and not (reason or "").strip():
            names = self._names(conn, hall_id)
            b = names.get(plan.b_staff_id) if plan.b_staff_id else None
            raise _err(InvalidInput, "ab_reason_required", window=window, planned=b["name"] if b else "—")
        conn.execute(N.insert().values(shift_id=shift_id, planned=planned, reason=(reason or "").strip()[:200]))

    def notes(self, shift_ids: list[int]) -> dict[int, dict[str, Any]]:
        if not shift_ids:
            return {}
        with self.s.db.read() as conn:
            rows = conn.execute(select(N).where(N.c.shift_id.in_(shift_ids)))
            return {r.shift_id: {"planned": r.planned, "reason": r.reason} for r in rows}

    # --- helpers ------------------------------------------------------------------------
    def _staff_id(self, conn: Connection, hall_id: int, staff_no: str | None) -> int | None:
        if not staff_no:
            return None
        row = conn.execute(select(S.c.id).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no.strip())).first()
        if row is None:
            raise NotFound("staff_not_found", staff_no=staff_no[:32])
        return int(row.id)

    def _names(self, conn: Connection, hall_id: int) -> dict[int, dict[str, str]]:
        rows = conn.execute(select(S.c.id, S.c.staff_no, S.c.name).where(S.c.hall_id == hall_id))
        return {r.id: {"staff_no": r.staff_no, "name": r.name} for r in rows}

    def _on_leave(self, conn: Connection, hall_id: int, day: date) -> set[int]:
        return set(conn.execute(select(LV.c.staff_id).where(LV.c.hall_id == hall_id, LV.c.day == day)).scalars())
