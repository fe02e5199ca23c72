"""Taking a number: walk-in, priority and appointment check-in tickets."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from hall_common.i18n import Label

from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.identity import id_number_hash, mask_name, valid_id_number
from ..core.queue_policy import ORDINARY
from ..core.ticket_states import WAITING
from ..storage import line_sql
from ..storage.models import Appointment, Ticket
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .context import HallContext
from .event_log import append_event
from .line_state import estimate_for, ticket_class
from .ticket_view import ticket_view

T = table_of(Ticket)
A = table_of(Appointment)


@dataclass(frozen=True)
class IssueRequest:
    matter_id: int | None = None
    priority_group: str | None = None
    appointment_code: str | None = None
    id_number: str | None = None
    accept_late_risk: bool = False
    # Chosen by the client per tap; sending it again (after a timeout) returns the same ticket.
    request_id: str | None = None


def format_number(prefix: str, value: int, digits: int) -> str:
    # Past 999 the number grows a digit (A1000) rather than refusing residents.
    return f"{prefix}{value:0{digits}d}"


class Ticketing:
    def __init__(self, services: Services) -> None:
        self.s = services

    # --- issue -----------------------------------------------------------------------
    def issue(self, principal: Principal, req: IssueRequest) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        if req.request_id:
            earlier = self._replay(principal, req.request_id)
            if earlier is not None:
                return earlier
        try:
            return self._issue(principal, ctx, now, req)
        except IntegrityError:
            # The same request id committed by a concurrent retry: answer with that ticket.
            earlier = self._replay(principal, req.request_id) if req.request_id else None
            if earlier is None:
                raise
            return earlier

    def _replay(self, principal: Principal, request_id: str) -> dict[str, Any] | None:
        with self.s.db.read() as conn:
            ticket_id = conn.execute(
                select(T.c.id).where(T.c.hall_id == principal.hall_id, T.c.request_id == request_id)
            ).scalar()
        if ticket_id is None:
            return None
        view = self.get(principal, ticket_id)
        with self.s.db.read() as conn:
            view["public_key"] = conn.execute(select(T.c.public_key).where(T.c.id == ticket_id)).scalar_one()
        view["replayed"] = True
        return view

    def _issue(self, principal: Principal, ctx: HallContext, now: datetime, req: IssueRequest) -> dict[str, Any]:
        if req.appointment_code or req.id_number:
            return self._check_in(principal, ctx, now, req)
        matter_id = self._valid_matter(ctx, req.matter_id)
        group = None
        if req.priority_group is not None:
            if ctx.config.priority_group(req.priority_group) is None:
                raise InvalidInput("unknown_priority_group", group=req.priority_group).with_details(
                    valid=[g.code for g in ctx.config.priority_groups]
                )
            group = req.priority_group
        self._require_walk_in_open(ctx, now)
        channel = "priority" if group else "walk_in"
        if group:
            prefix = ctx.config.tickets.priority_prefix
        elif matter_id is not None:
            prefix = ctx.matters[matter_id].matter.ticket_prefix
        else:
            prefix = ctx.config.tickets.default_prefix
        return self._store(
            principal,
            ctx,
            now,
            prefix=prefix,
            matter_id=matter_id,
            channel=channel,
            group=group,
            accept_late_risk=req.accept_late_risk,
            request_id=req.request_id,
        )

    def _valid_matter(self, ctx: HallContext, matter_id: int | None) -> int | None:
        if matter_id is None:
            return None  # 综合业务: the window decides the matter
        stored = ctx.matters.get(matter_id)
        if stored is None or not stored.active:
            raise NotFound("matter_not_found", matter_id=matter_id)
        return matter_id

    def _require_walk_in_open(self, ctx: HallContext, now: datetime) -> None:
        moment = ctx.schedule.moment(now)
        if moment.walk_in:
            return
        next_open = ctx.schedule.next_open_at(now)
        local = next_open.astimezone(ctx.config.timezone) if next_open else None
        code = "appointment_only" if moment.open else "hall_closed"
        raise Conflict(code, next_open=_local_text(local)).with_details(
            next_open_at=local.isoformat() if local else None, appointment_offered=True
        )

    def _store(
        self,
        principal: Principal,
        ctx: HallContext,
        now: datetime,
        *,
        prefix: str,
        matter_id: int | None,
        channel: str,
        group: str | None,
        accept_late_risk: bool,
        due_at: datetime | None = None,
        appointment: Any = None,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        service_date = ctx.schedule.local_date(now)
        db = self.s.db
        with db.write() as conn:
            cls = ticket_class(channel, due_at, now)
            estimate = estimate_for(conn, ctx, service_date, now, cls, due_at if due_at and cls != ORDINARY else now)
            late = False
            if appointment is None:
                late = self._closing_check(ctx, now, estimate.minutes, accept_late_risk)
            value = self._next_value(conn, ctx.id, service_date, prefix)
            row = SimpleNamespace(
                hall_id=ctx.id,
                service_date=service_date,
                number=format_number(prefix, value, ctx.config.tickets.digits),
                matter_id=matter_id,
                channel=channel,
                priority_group=group,
                appointment_id=appointment.id if appointment is not None else None,
                due_at=due_at,
                state=WAITING,
                window_number=None,
                target_window=None,
                call_count=0,
                issued_at=now,
                queued_at=now,
                called_at=None,
                started_at=None,
                finished_at=None,
                staff_id=None,
                late_risk_accepted=late,
                public_key=secrets.token_urlsafe(12),
                request_id=request_id,
            )
            params = vars(row) | {k: line_sql.bind_time(getattr(row, k)) for k in ("due_at", "issued_at", "queued_at")}
            row.id = line_sql.INSERT_TICKET.run(conn, params).scalar_one()
            line_sql.adjust_line(conn, ctx.id, service_date, matter_id, +1)
            if appointment is not None:
                conn.execute(
                    update(A)
                    .where(A.c.id == appointment.id, A.c.status == "booked")
                    .values(status="checked_in", ticket_id=row.id)
                )
            view = ticket_view(row, ctx, estimate, include_key=True)
            if appointment is not None:
                view["appointment_code"] = appointment.code
                view["resident_masked"] = mask_name(appointment.resident_name)
            waiting = sum(
                n for _, n in line_sql.WAITING_BY_MATTER.run(conn, {"hall_id": ctx.id, "service_date": service_date})
            )
            append_event(
                db,
                conn,
                ctx.id,
                "ticket.issued",
                now,
                {"ticket": _public(view), "waiting": waiting},
                ticket_id=row.id,
                actor=principal.label,
            )
        return view

    def _next_value(self, conn: Connection, hall_id: int, service_date: date, prefix: str) -> int:
        # One atomic upsert: concurrent kiosks (threads or processes) never get the same value.
        params = {"hall_id": hall_id, "service_date": service_date, "prefix": prefix}
        return int(line_sql.NEXT_NUMBER.run(conn, params).scalar_one())

    def _closing_check(self, ctx: HallContext, now: datetime, minutes: int | None, accepted: bool) -> bool:
        """Refuse (or ask consent for) a ticket that today's windows will probably not reach."""
        q = ctx.config.queue
        start = ctx.schedule.projected_start(
            now, minutes or 0, q.carry_over_breaks, timedelta(minutes=q.closing_cutoff_minutes)
        )
        if start is not None:
            return False
        if q.after_cutoff == "consent" and accepted:
            return True
        tomorrow = datetime.combine(
            ctx.schedule.local_date(now) + timedelta(days=1), datetime.min.time(), ctx.config.timezone
        )
        next_open = ctx.schedule.next_open_at(tomorrow - timedelta(seconds=1))
        local = next_open.astimezone(ctx.config.timezone) if next_open else None
        raise Conflict("closing_soon", minutes=minutes).with_details(
            estimated_wait_minutes=minutes,
            consent_possible=q.after_cutoff == "consent",
            next_open_at=local.isoformat() if local else None,
            appointment_offered=True,
        )

    # --- appointments ------------------------------------------------------------------
    def _check_in(self, principal: Principal, ctx: HallContext, now: datetime, req: IssueRequest) -> dict[str, Any]:
        with self.s.db.read() as conn:
            query = select(A).where(A.c.hall_id == ctx.id)
            if req.appointment_code:
                query = query.where(A.c.code == req.appointment_code.strip())
            else:
                if not valid_id_number(req.id_number or ""):
                    raise InvalidInput("invalid_id_number")
                day = ctx.schedule.local_date(now)
                start = datetime.combine(day, datetime.min.time(), ctx.config.timezone)
                query = query.where(
                    A.c.id_number_hash == id_number_hash(self.s.id_secret, ctx.code, req.id_number or ""),
                    A.c.slot_start >= start,
                    A.c.slot_start < start + timedelta(days=1),
                ).order_by(A.c.slot_start)
            found = conn.execute(query).all()
            # By ID: today's booking still to check in, else one already checked in (a resident
            # tapping twice is told so, not that there is no booking).
            appt = next((a for a in found if a.status == "booked"), None) or next(
                (a for a in found if a.status == "checked_in"), None
            )
            if req.appointment_code:
                appt = found[0] if found else None
        if appt is None:
            raise NotFound("appointment_not_found")
        if appt.status == "checked_in":
            raise Conflict("appointment_already_checked_in")
        if appt.status != "booked" or appt.channel == "home_visit":
            raise Conflict(
                "appointment_not_checkable",
                status=Label(
                    f"server.appointment_status_{appt.channel if appt.channel == 'home_visit' else appt.status}",
                    "server.appointment_status_other",
                ),
            )
        q = ctx.config.queue
        earliest = appt.slot_start - timedelta(minutes=q.appointment_early_minutes)
        latest = appt.slot_start + timedelta(minutes=q.appointment_late_minutes)
        slot_local = appt.slot_start.astimezone(ctx.config.timezone)
        if now < earliest:
            raise Conflict(
                "appointment_too_early",
                slot=_local_text(slot_local),
                earliest=_local_text(earliest.astimezone(ctx.config.timezone)),
            ).with_details(
                slot_start=slot_local.isoformat(), check_in_from=earliest.astimezone(ctx.config.timezone).isoformat()
            )
        if now > latest:
            raise Conflict("appointment_late", slot=_local_text(slot_local)).with_details(
                slot_start=slot_local.isoformat(), walk_in_offered=True
            )
        return self._store(
            principal,
            ctx,
            now,
            prefix=ctx.config.tickets.appointment_prefix,
            matter_id=appt.matter_id,
            channel="appointment",
            group=None,
            accept_late_risk=False,
            due_at=appt.slot_start,
            appointment=appt,
            request_id=req.request_id,
        )

    # --- reads -------------------------------------------------------------------------
    def get(self, principal: Principal | None, ticket_id: int, public_key: str | None = None) -> dict[str, Any]:
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            row = conn.execute(select(T).where(T.c.id == ticket_id)).first()
            if (
                row is None
                or (principal is not None and row.hall_id != principal.hall_id)
                or (principal is None and not (public_key and secrets.compare_digest(public_key, row.public_key)))
            ):
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            ctx = self.s.halls.get(row.hall_id)
            estimate = None
            if row.state == WAITING:
                cls = ticket_class(row.channel, row.due_at, now)
                key = row.due_at if cls != ORDINARY and row.channel == "appointment" else row.queued_at
                estimate = estimate_for(conn, ctx, row.service_date, now, cls, key, row.id)
            view = ticket_view(row, ctx, estimate)
            if row.state != WAITING:
                view["waiting_ahead"] = 0
                view["estimated_wait_minutes"] = 0 if row.state in ("called", "serving", "held") else None
            return view


def _public(view: dict[str, Any]) -> dict[str, Any]:
    """What boards and pads may see of a ticket (no key)."""
    return {k: v for k, v in view.items() if k != "public_key"}


def _local_text(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else "—"
