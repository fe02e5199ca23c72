"""预约上门: home visits for the old, weak, sick and disabled, from request to outcome.

A request is an appointment with channel "home_visit" (booked through appointments.py). It sits
in the supervisor's queue until assigned to a staff member and a time inside the visit hours;
the visitor then records the outcome: a case opened on the spot (which flows through the case
loop) or why not. Open, assigned, done and overdue visits are listed for the supervisor.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.identity import mask_name
from ..storage.case_models import Case
from ..storage.repositories.appointments import AppointmentRecord, AppointmentRepository
from ..storage.repositories.staff import StaffCard, StaffRepository
from ..storage.types import table_of
from .appointments import check_visit_time, visit_time_fits
from .base import Services
from .context import HallContext

C = table_of(Case)
REQUESTED, ASSIGNED, VISITED, NOT_DONE = "booked", "assigned", "visited", "visit_failed"
VISIT_MINUTES = 60  # the time a visit is planned to take (the sheet and the list show the hour)


def visit_state(row: AppointmentRecord, now: datetime) -> str:
    if row.status == REQUESTED:
        return "overdue" if row.slot_start < now else "open"
    if row.status == ASSIGNED:
        return "overdue" if row.slot_end < now else "assigned"
    return "done"


class HomeVisits:
    def __init__(self, services: Services) -> None:
        self.s = services

    def _view(
        self, row: AppointmentRecord, now: datetime, ctx: HallContext, staff: dict[int, StaffCard]
    ) -> dict[str, Any]:
        who = staff.get(row.visit_staff_id) if row.visit_staff_id else None
        tz = ctx.config.timezone
        state = visit_state(row, now)
        return {
            "code": row.code,
            "resident": row.resident_name,  # staff only: the visitor needs the full name
            "resident_masked": mask_name(row.resident_name),
            "phone": row.phone,
            "place": row.place,
            "matter_id": row.matter_id,
            "reason": row.visit_reason,
            "start": row.slot_start.astimezone(tz).isoformat(),
            "status": row.status,
            "state": state,
            # The day became a holiday (calendar) or the visit hours changed (hall file) after the
            # request or assignment: flagged for the supervisor, who picks a new time (never moved here).
            "needs_new_date": state in ("open", "assigned") and not visit_time_fits(ctx, row.slot_start),
            "staff_no": who.staff_no if who else None,
            "staff_name": who.name if who else None,
            "case_no": row.visit_case_no,
            "note": row.visit_note,
        }

    def list(self, hall_id: int) -> dict[str, Any]:
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            rows = AppointmentRepository(conn).home_visits(ctx.id)
            staff = StaffRepository(conn).cards(ctx.id)
        visits = [self._view(r, now, ctx, staff) for r in rows if r.status != "cancelled"]
        counts = {k: sum(1 for v in visits if v["state"] == k) for k in ("open", "assigned", "done", "overdue")}
        counts["needs_new_date"] = sum(1 for v in visits if v["needs_new_date"])
        return {"visits": visits, "counts": counts}

    def sheet(self, hall_id: int, code: str) -> dict[str, Any]:
        """What the A4 visit sheet prints: the visit, and the matter's checklist of materials."""
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            row = self._row(conn, ctx.id, code)
            staff = StaffRepository(conn).cards(ctx.id)
        view = self._view(row, now, ctx, staff)
        stored = ctx.matters.get(row.matter_id) if row.matter_id is not None else None
        view["hall"] = ctx.config.name
        view["matter"] = stored.matter.name if stored else None
        view["materials"] = [vars(m) for m in stored.matter.materials] if stored else []
        return view

    def _row(self, conn: Connection, hall_id: int, code: str) -> AppointmentRecord:
        row = AppointmentRepository(conn).by_code(hall_id, code)
        if row is None or row.channel != "home_visit":
            raise NotFound("home_visit_not_found", code=code)
        return row

    def assign(self, hall_id: int, code: str, staff_no: str, start: datetime) -> dict[str, Any]:
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        start = start if start.tzinfo else start.replace(tzinfo=ctx.config.timezone)
        check_visit_time(ctx, start, now)
        with self.s.db.write() as conn:
            row = self._row(conn, ctx.id, code)
            visitor = StaffRepository(conn).id_of(ctx.id, staff_no.strip())
            if visitor is None:
                raise NotFound("staff_not_found", staff_no=staff_no)
            end = start + timedelta(minutes=VISIT_MINUTES)
            if not AppointmentRepository(conn).assign_visit(row.id, (REQUESTED, ASSIGNED), visitor, start, end):
                raise Conflict("home_visit_closed")
        return self.list(hall_id)

    def record(self, hall_id: int, code: str, case_no: str | None, note: str | None) -> dict[str, Any]:
        """The visit's outcome: the case opened on the spot, or why none was."""
        ctx = self.s.halls.get(hall_id)
        case_no = (case_no or "").strip() or None
        note = (note or "").strip() or None
        if case_no is None and note is None:
            raise InvalidInput("home_visit_outcome_required")
        with self.s.db.write() as conn:
            row = self._row(conn, ctx.id, code)
            if case_no is not None:
                found = conn.execute(select(C.c.id).where(C.c.hall_id == ctx.id, C.c.case_no == case_no)).first()
                if found is None:
                    raise NotFound("case_not_found", "cases.case_not_found", case_no=case_no)
            outcome = {"status": VISITED if case_no else NOT_DONE, "visit_case_no": case_no, "visit_note": note}
            if not AppointmentRepository(conn).change(row.id, {"status": ASSIGNED}, **outcome):
                raise Conflict("home_visit_not_assigned")
        return self.list(hall_id)
