"""Bookings a calendar change leaves without a seat (a day made a holiday, shorter duty hours,
fewer windows, a duty day removed): found before the change is saved, and — once the supervisor
confirms — cancelled by the hall in the change's own transaction, each resident told by SMS how
to rebook.

The calendar change and a booking serialize on the hall row: the change updates it first (the
``updated_at`` bump every process reloads on), a booking reads it ``FOR SHARE`` before taking its
seat (storage/repositories/halls.py). So a booking either commits before the
change reads the day's bookings (and is counted here) or waits and is checked against the new
calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from hall_common.i18n import message

from ..core.appointment_slots import Booked, day_slots, stranded
from ..core.identity import mask_name
from ..core.schedule import Schedule
from ..storage.repositories.appointments import AppointmentRecord, AppointmentRepository
from .appointments import Appointments
from .booking_messages import Note
from .context import HallContext
from .event_log import append_event
from .event_payloads import AppointmentHallCancelled

HALL_CANCELLED = "hall_cancelled"
# The body value that confirms the change: cancel the stranded bookings and tell each resident.
CANCEL_AND_NOTIFY = "cancel_and_notify"


@dataclass(frozen=True)
class Stranded:
    row: AppointmentRecord
    reason: str


class CalendarBookings:
    def __init__(self, appointments: Appointments) -> None:
        self.appointments = appointments

    def find(self, conn: Connection, ctx: HallContext, day: date, schedule: Schedule, now: datetime) -> list[Stranded]:
        """The day's bookings still to come that ``schedule`` (the calendar as it would be) has no
        seat for. Home visits are outside the hall's seats and stay with the supervisor."""
        return self.find_between(conn, ctx, schedule, now, day, day + timedelta(days=1))

    def find_between(
        self, conn: Connection, ctx: HallContext, schedule: Schedule, now: datetime, first: date, end: date | None
    ) -> list[Stranded]:
        """Like ``find`` for the days from ``first`` up to ``end`` (excluded; None: every later
        day), each day judged on its own slots — what a hall file changed between starts strands."""
        tz = ctx.config.timezone
        since = datetime.combine(first, datetime.min.time(), tz)
        until = datetime.combine(end, datetime.min.time(), tz) if end is not None else None
        # A slot already over is the no-show ticker's, not ours.
        rows = AppointmentRepository(conn).seated_from(ctx.id, since, now, until)
        by_day: dict[date, list[AppointmentRecord]] = {}
        for r in rows:
            by_day.setdefault(r.slot_start.astimezone(tz).date(), []).append(r)
        reasons: dict[int, str] = {}
        for day, day_rows in by_day.items():
            booked = [Booked(r.id, r.slot_start, r.created_at) for r in day_rows]
            reasons |= stranded(booked, day_slots(schedule, ctx.config.appointments, day))
        return [Stranded(r, reasons[r.id]) for r in rows if r.id in reasons]

    @staticmethod
    def staff_list(ctx: HallContext, found: list[Stranded]) -> list[dict[str, Any]]:
        """For the supervisor's confirm step: time, masked name, code, why (staff only)."""
        tz = ctx.config.timezone
        return [
            {
                "code": s.row.code,
                "slot_start": s.row.slot_start.astimezone(tz).isoformat(),
                "resident_masked": mask_name(s.row.resident_name),
                "channel": s.row.channel,
                "reason": s.reason,
            }
            for s in found
        ]

    def cancel(
        self, conn: Connection, ctx: HallContext, found: list[Stranded], now: datetime, book_url: str, actor: str
    ) -> list[Note]:
        """Cancel each booking for the hall, free its seat, queue its SMS and log it; returns the
        outbox rows to send after the commit."""
        notes: list[Note] = []
        tz = ctx.config.timezone
        bookings = AppointmentRepository(conn)
        for s in found:
            if not bookings.change(s.row.id, {"status": "booked"}, status=HALL_CANCELLED, cancel_reason=s.reason):
                continue  # checked in or cancelled meanwhile: nothing of ours to undo
            bookings.free_seat(ctx.id, s.row.slot_start)
            extra = {"reason": message(f"appointments.stranded_{s.reason}"), "url": f"{book_url}?code={s.row.code}"}
            note = self.appointments.messages.queue(conn, ctx, s.row, "hall_cancelled", now, **extra)
            if note is not None:
                notes.append(note)
            # No name and no code: the event stream reaches boards and kiosks too.
            data: AppointmentHallCancelled = {
                "appointment_id": s.row.id,
                "slot_start": s.row.slot_start.astimezone(tz).isoformat(),
                "reason": s.reason,
            }
            append_event(self.appointments.s.db, conn, ctx.id, "appointment.hall_cancelled", now, data, actor=actor)
        return notes
