"""Taking a number: walk-in, priority, appointment check-in and return-lane tickets."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hall_common.i18n import Label, When

from ..core import cases as rules
from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.estimate import WaitEstimate
from ..core.identity import id_number_hash, mask_name, valid_id_number
from ..core.rate_limit import throttle
from ..core.ticket_states import WAITING
from ..storage.case_models import Case
from ..storage.guess_limits import StoredLimiter
from ..storage.repositories.appointments import AppointmentRecord, AppointmentRepository
from ..storage.repositories.tickets import NewTicket, TicketRepository
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .context import HallContext
from .event_log import append_event
from .projection import estimate_new, estimate_stored, last_walk_in_end
from .ticket_view import ticket_view

C = table_of(Case)
# 补交材料 (after a 一次性告知) and 领取结果 (the result is back at the front window).
RETURN_STATES = (rules.SUPPLEMENT, rules.RETURNED, rules.NOTIFIED)
# A kiosk is one token for a whole hall of residents: enough for a busy morning, not for guessing.
RETURN_TRIES, RETURN_WINDOW = 120, 600
# Checking in by a 6-digit booking code (or an ID number) at one kiosk: the same allowance.
CHECK_IN_TRIES, CHECK_IN_WINDOW = 120, 600


@dataclass(frozen=True)
class IssueRequest:
    matter_id: int | None = None
    priority_group: str | None = None
    appointment_code: str | None = None
    id_number: str | None = None
    accept_late_risk: bool = False
    # Chosen by the client per tap; sending it again (after a timeout) returns the same ticket.
    request_id: str | None = None
    # Return lane (补交材料 / 领取结果): the case number on the notice and the phone's last 4 digits.
    case_no: str | None = None
    phone_tail: str | None = None


def format_number(prefix: str, value: int, digits: int) -> str:
    # Past 999 the number grows a digit (A1000) rather than refusing residents.
    return f"{prefix}{value:0{digits}d}"


class Ticketing:
    def __init__(self, services: Services) -> None:
        self.s = services
        # Both guess a secret from one device token: counted in the database, shared by every
        # server process and kept across restarts (storage/guess_limits.py).
        self.return_limiter = StoredLimiter(services.db, "return_lane", RETURN_TRIES, RETURN_WINDOW)
        self.check_in_limiter = StoredLimiter(services.db, "check_in", CHECK_IN_TRIES, CHECK_IN_WINDOW)

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
            ticket_id = TicketRepository(conn).id_for_request(principal.hall_id, request_id)
        if ticket_id is None:
            return None
        view = self.get(principal, ticket_id)
        if principal.role == "kiosk":  # the slip's key goes to the kiosk that prints it, never to staff
            with self.s.db.read() as conn:
                view["public_key"] = TicketRepository(conn).public_key(ticket_id)
        view["replayed"] = True
        return view

    def _issue(self, principal: Principal, ctx: HallContext, now: datetime, req: IssueRequest) -> dict[str, Any]:
        if req.appointment_code or req.id_number:
            return self._check_in(principal, ctx, now, req)
        if req.case_no:
            return self._return_ticket(principal, ctx, now, req)
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
        appointment: AppointmentRecord | None = None,
        request_id: str | None = None,
        case: Any = None,
    ) -> dict[str, Any]:
        service_date = ctx.schedule.local_date(now)
        db = self.s.db
        with db.write() as conn:
            tickets, bookings = TicketRepository(conn), AppointmentRepository(conn)
            estimate, _ = estimate_new(
                conn, ctx, now, channel, matter_id, due_at, appointment.id if appointment is not None else None
            )
            # A booked resident checking in late in the day is told too (and may always consent).
            late = self._closing_check(ctx, now, estimate, accept_late_risk, booked=appointment is not None)
            if appointment is not None and not bookings.change(
                appointment.id, {"status": "booked"}, status="checked_in"
            ):
                # Another kiosk checked this appointment in since it was read: exactly one ticket
                # (the unique index on tickets.appointment_id holds this even if the code changes).
                raise Conflict("appointment_already_checked_in")
            value = tickets.next_number(ctx.id, service_date, prefix)
            row = tickets.add(
                NewTicket(
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
                    case_id=case.id if case is not None else None,
                    owner_window=case.owner_window if case is not None else None,
                    issued_by_role=principal.role,
                )
            )
            if appointment is not None:
                bookings.link_ticket(appointment.id, row.id)
            # Only a kiosk's slip carries the key (its QR lets the resident follow and rate the service):
            # a clerk issuing for someone must not hold a key he could rate his own service with.
            view = ticket_view(row, ctx, estimate, include_key=principal.role == "kiosk")
            view |= closing_facts(ctx, now, channel, estimate.expected_start)
            if appointment is not None:
                view["appointment_code"] = appointment.code
                view["resident_masked"] = mask_name(appointment.resident_name)
            waiting = tickets.waiting(ctx.id, service_date)
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

    def _closing_check(
        self, ctx: HallContext, now: datetime, estimate: WaitEstimate, accepted: bool, booked: bool = False
    ) -> bool:
        """Refuse (or ask consent for) a ticket the day's projection says no window may start in time
        (its projected start plus the safety margin of core/margin.py is past the last start)."""
        if estimate.reachable_without_consent:
            return False
        q = ctx.config.queue
        consent_possible = q.after_cutoff == "consent" or booked  # the hall promised a booked resident a slot
        if consent_possible and accepted:
            return True
        tz = ctx.config.timezone
        tomorrow = datetime.combine(ctx.schedule.local_date(now) + timedelta(days=1), datetime.min.time(), tz)
        next_open = ctx.schedule.next_open_at(tomorrow - timedelta(seconds=1))
        local = next_open.astimezone(tz) if next_open else None
        closing = last_walk_in_end(ctx, now)
        closes_text = closing.astimezone(tz).strftime("%H:%M") if closing else "—"
        raise Conflict("closing_soon", ahead=estimate.waiting_ahead, closes=closes_text).with_details(
            # None: no window can start the ticket before closing (the reason is the hour, not the line).
            estimated_wait_minutes=None,
            waiting_ahead=estimate.waiting_ahead,
            closes_at=closing.astimezone(tz).isoformat() if closing else None,
            last_start_at=(closing - timedelta(minutes=q.closing_cutoff_minutes)).astimezone(tz).isoformat()
            if closing
            else None,
            reason="closing_time",
            consent_possible=consent_possible,
            next_open_at=local.isoformat() if local else None,
            appointment_offered=True,
        )

    # --- return lane -------------------------------------------------------------------
    def _return_ticket(
        self, principal: Principal, ctx: HallContext, now: datetime, req: IssueRequest
    ) -> dict[str, Any]:
        """A resident back with the missing materials or for the result: a ticket in the return
        lane, called by the case's owning window first (首问负责). A wrong number or phone tail
        reads as unknown, and each try counts against the caller's limit."""
        throttle(self.return_limiter, f"token:{principal.token_id}", now, "return_throttled")
        tail = (req.phone_tail or "").strip()
        if not (len(tail) == 4 and tail.isdigit()):
            raise InvalidInput("return_phone_tail_required")
        with self.s.db.read() as conn:
            case = conn.execute(
                select(C).where(C.c.hall_id == ctx.id, C.c.case_no == (req.case_no or "").strip())
            ).first()
        if case is None or not case.phone or not secrets.compare_digest(case.phone[-4:], tail):
            raise NotFound("return_case_not_found", case_no=req.case_no)
        if case.state not in RETURN_STATES:
            raise Conflict("return_not_due", state=Label(f"cases.state_{case.state}", "cases.state_other"))
        self._require_walk_in_open(ctx, now)
        view = self._store(
            principal,
            ctx,
            now,
            prefix=ctx.config.tickets.return_prefix,
            matter_id=case.matter_id,
            channel="return",
            group=None,
            accept_late_risk=req.accept_late_risk,
            request_id=req.request_id,
            case=case,
        )
        view["case_no"] = case.case_no
        view["owner_window"] = case.owner_window
        return view

    # --- appointments ------------------------------------------------------------------
    def _check_in(self, principal: Principal, ctx: HallContext, now: datetime, req: IssueRequest) -> dict[str, Any]:
        # A code alone finds a booking: each try counts against the device's limit.
        throttle(self.check_in_limiter, f"token:{principal.token_id}", now, "check_in_throttled")
        appt: AppointmentRecord | None
        if req.appointment_code:
            with self.s.db.read() as conn:
                appt = AppointmentRepository(conn).by_code(ctx.id, req.appointment_code.strip())
        else:
            if not valid_id_number(req.id_number or ""):
                raise InvalidInput("invalid_id_number")
            start = datetime.combine(ctx.schedule.local_date(now), datetime.min.time(), ctx.config.timezone)
            id_hash = id_number_hash(self.s.id_secret, ctx.code, req.id_number or "")
            with self.s.db.read() as conn:
                found = AppointmentRepository(conn).by_id_number_between(
                    ctx.id, id_hash, start, start + timedelta(days=1)
                )
            # By ID: today's booking still to check in, else one already checked in (a resident
            # tapping twice is told so, not that there is no booking).
            appt = (
                next((a for a in found if a.status == "booked"), None)
                or next((a for a in found if a.status == "checked_in"), None)
                or next((a for a in found if a.status == "hall_cancelled"), None)
            )
        if appt is None:
            raise NotFound("appointment_not_found")
        if appt.status == "checked_in":
            raise Conflict("appointment_already_checked_in")
        if appt.channel == "home_visit":
            raise Conflict("home_visit_no_check_in")
        if appt.status == "hall_cancelled":
            # The hall changed its calendar after the booking: say so, and how to rebook.
            raise Conflict(
                "appointment_hall_cancelled",
                reason=Label(f"appointments.stranded_{appt.cancel_reason}", "appointments.stranded_day_closed"),
            )
        if appt.status != "booked":
            raise Conflict(
                "appointment_not_checkable",
                status=Label(f"server.appointment_status_{appt.status}", "server.appointment_status_other"),
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
            accept_late_risk=req.accept_late_risk,
            due_at=appt.slot_start,
            appointment=appt,
            request_id=req.request_id,
        )

    # --- reads -------------------------------------------------------------------------
    def get(self, principal: Principal | None, ticket_id: int, public_key: str | None = None) -> dict[str, Any]:
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            row = TicketRepository(conn).get(ticket_id)
            if (
                row is None
                or (principal is not None and row.hall_id != principal.hall_id)
                or (principal is None and not (public_key and secrets.compare_digest(public_key, row.public_key)))
            ):
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            ctx = self.s.halls.get(row.hall_id)
            estimate = None
            if row.state == WAITING and row.service_date == ctx.schedule.local_date(now):
                estimate = estimate_stored(conn, ctx, now, row.id)
            view = ticket_view(row, ctx, estimate)
            if estimate is not None:
                view |= closing_facts(ctx, now, row.channel, estimate.expected_start)
            if row.state != WAITING:
                view["waiting_ahead"] = 0
                view["estimated_wait_minutes"] = 0 if row.state in ("called", "serving", "held") else None
            if row.state == "finished":
                # The phone page offers 评价本次服务 only while the service is unrated: a rating made at
                # the window's pad must turn it into "已评价" instead of a button that answers 已经评价过了.
                view["rated"] = TicketRepository(conn).is_rated(row.id)
            return view


def closing_facts(ctx: HallContext, now: datetime, channel: str, expected_start: datetime | None) -> dict[str, Any]:
    """When walk-ins end today, and the windows still open when the ticket is expected to start (at
    the day's last start if no start is expected before closing): a 17:22 walk-in on the pilot hall
    is served by window 1's 延时服务 only, so its slip must not send the resident to windows 2 and 3,
    which close at 17:30."""
    closing = last_walk_in_end(ctx, now)
    at = expected_start
    if at is None and closing is not None:
        at = closing - timedelta(minutes=ctx.config.queue.closing_cutoff_minutes)
    roles = ("walk_in", "appointments") if channel == "appointment" else ("walk_in",)
    windows = [n for n in ctx.config.window_numbers if at is not None and ctx.schedule.window_role(at, n) in roles]
    tz = ctx.config.timezone
    return {"closes_at": closing.astimezone(tz).isoformat() if closing else None, "serving_windows": windows}


def _public(view: dict[str, Any]) -> dict[str, Any]:
    """What boards and pads may see of a ticket (no key)."""
    return {k: v for k, v in view.items() if k != "public_key"}


def _local_text(t: datetime | None) -> When | str:
    return When(t) if t else "—"
