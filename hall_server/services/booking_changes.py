"""The resident's own changes to a booking, with its code and the last 4 digits of the phone:
look it up, cancel it, move it to another slot. Every try is counted against the caller's limit
(a wrong code or tail reads as unknown: the answer never tells which codes exist)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection

from hall_common.i18n import message

from ..core.appointment_slots import bookable_slot
from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.rate_limit import throttle
from ..storage.repositories.appointments import AppointmentRecord, AppointmentRepository
from .appointments import Appointments, AppointmentView, appointment_view, local_slot_start
from .context import HallContext

# Bookings the resident may still move to another slot: their own, and those the hall cancelled
# when its calendar changed (services/calendar_bookings.py) — rebooking those is not a new booking.
RESCHEDULABLE = ("booked", "hall_cancelled")


def _reminders_told_by_the_move(ctx: HallContext, start: datetime, now: datetime) -> dict[str, datetime | None]:
    """The reminder marks of a booking moved to ``start`` at ``now``: the marks of the old slot say
    nothing of the new one (kept, the resident was never reminded of the new day). A reminder whose
    time has already come is told by the move's own message, as for a booking made that late."""
    rules = ctx.config.appointments
    tz = ctx.config.timezone
    day_before = datetime.combine(start.astimezone(tz).date() - timedelta(days=1), rules.remind_day_before_at, tz)
    soon = start - timedelta(minutes=rules.remind_minutes_before)
    return {
        "reminded_day_before_at": now if now >= day_before else None,
        "reminded_soon_at": now if now >= soon else None,
    }


def _find_own(conn: Connection, ctx: HallContext, code: str, phone_tail: str) -> AppointmentRecord:
    row = AppointmentRepository(conn).by_code(ctx.id, code.strip())
    # A wrong tail reads as an unknown code: the answer never tells which codes exist.
    if row is None or not row.phone or not secrets.compare_digest(row.phone[-4:], phone_tail.strip()):
        raise NotFound("appointment_not_found")
    return row


def _own(
    conn: Connection, ctx: HallContext, code: str, phone_tail: str, changeable: tuple[str, ...]
) -> AppointmentRecord:
    row = _find_own(conn, ctx, code, phone_tail)
    if row.status not in changeable:
        raise Conflict("appointment_not_changeable", status=message(f"server.appointment_status_{row.status}"))
    return row


class BookingChanges:
    def __init__(self, appointments: Appointments) -> None:
        self.appointments = appointments
        self.s = appointments.s

    def _hall(self, hall_id: int, client: str | None) -> tuple[HallContext, datetime]:
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        if client is not None:
            throttle(self.appointments.code_limiter, client, now, "code_throttled")
        return ctx, now

    def lookup(self, hall_id: int, code: str, phone_tail: str, client: str | None) -> AppointmentView:
        """The resident's own booking, whatever its status: /book shows a booking the hall
        cancelled, with why, before the resident picks a new slot."""
        ctx, _ = self._hall(hall_id, client)
        with self.s.db.read() as conn:
            row = _find_own(conn, ctx, code, phone_tail)
        return appointment_view(row, ctx.config.timezone)

    def cancel(self, hall_id: int, code: str, phone_tail: str, client: str | None) -> AppointmentView:
        ctx, now = self._hall(hall_id, client)
        with self.s.db.write() as conn:
            bookings = AppointmentRepository(conn)
            row = _own(conn, ctx, code, phone_tail, changeable=("booked", "held"))
            if not bookings.change(row.id, {"status": row.status}, status="cancelled"):
                raise Conflict("appointment_not_changeable", status=message("server.appointment_status_cancelled"))
            if row.channel != "home_visit":
                bookings.free_seat(ctx.id, row.slot_start)
            row = bookings.get(row.id)
            note = self.appointments.messages.queue(conn, ctx, row, "cancelled", now)
        self.appointments.messages.send([note])
        return appointment_view(row, ctx.config.timezone)

    def reschedule(
        self, hall_id: int, code: str, phone_tail: str, slot_start: datetime, client: str | None
    ) -> AppointmentView:
        ctx, now = self._hall(hall_id, client)
        start = local_slot_start(ctx, slot_start)
        slot = bookable_slot(ctx.schedule, ctx.config.appointments, start, now)
        with self.s.db.write() as conn:
            bookings = AppointmentRepository(conn)
            fresh = self.appointments.locked_context(conn, ctx)
            if fresh is not ctx:  # the calendar changed since the slot was checked
                ctx, slot = fresh, bookable_slot(fresh.schedule, fresh.config.appointments, start, now)
            row = _own(conn, ctx, code, phone_tail, changeable=RESCHEDULABLE)
            status = message(f"server.appointment_status_{row.status}")
            if row.channel == "home_visit":
                raise Conflict("appointment_not_changeable", status=status)
            # A booking the hall cancelled holds no seat: it may come back to the very same slot
            # if one is free again. It is the hall's change, not a new booking: no 爽约 check
            # and no per-phone limit (the resident's code and phone tail are enough).
            seated = row.status == "booked"
            if seated and row.slot_start == slot.start:
                raise InvalidInput("reschedule_same_slot")
            self.appointments.take_seat(conn, ctx.id, slot)  # a full slot raises here: the old seat is kept
            if seated:
                bookings.free_seat(ctx.id, row.slot_start)
            moved = bookings.change(
                row.id,
                {"status": row.status, "slot_start": row.slot_start},
                slot_start=slot.start,
                slot_end=slot.end,
                status="booked",
                cancel_reason=None,
                **_reminders_told_by_the_move(ctx, slot.start, now),
            )
            if not moved:
                raise Conflict("appointment_not_changeable", status=status)
            row = bookings.get(row.id)
            note = self.appointments.messages.queue(conn, ctx, row, "rescheduled", now)
        self.appointments.messages.send([note])
        return appointment_view(row, ctx.config.timezone)
