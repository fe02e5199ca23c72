"""Texts to the resident about a booking: written to the outbox in the change's own transaction,
sent after the commit (a slow SMS gateway never holds the write lock), retried when they fail,
and the reminders the day before and shortly before the slot."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Connection

from hall_common.i18n import message

from ..storage.repositories.appointments import AppointmentRecord, AppointmentRepository
from ..storage.repositories.outbox import Outbox
from .base import Services
from .case_notifier import Notifier
from .context import HallContext

Note = tuple[int, str, str]  # an outbox row to send after the commit: id, phone, text
MAX_SENDS = 8  # a message that failed this often stays failed, for the window to call instead


class BookingMessages:
    def __init__(self, services: Services, notifier: Notifier) -> None:
        self.s = services
        self.notifier = notifier

    def queue(
        self, conn: Connection, ctx: HallContext, row: AppointmentRecord, kind: str, now: datetime, **extra: str
    ) -> Note | None:
        """The outbox row for a booking change, in the change's own transaction (never lost)."""
        if not row.phone:
            return None
        slot = row.slot_start.astimezone(ctx.config.timezone).strftime("%m月%d日 %H:%M")
        text = message(f"appointments.sms_{kind}", hall=ctx.config.short_name, code=row.code, slot=slot, **extra)
        note_id = Outbox(conn).queue_for_appointment(ctx.id, row.id, self.notifier.channel, row.phone, text, now)
        return (note_id, row.phone, text)

    def send(self, notes: Iterable[Note | None]) -> None:
        """Send outbox rows queued in a committed transaction (a failed one waits for the retries)."""
        for note in notes:
            if note is not None:
                note_id, phone, text = note
                result = self.notifier.send(phone, text)
                self._record(note_id, result.status, result.detail, 1)

    def _record(self, note_id: int, status: str, detail: str, attempts: int) -> None:
        # A failed send waits 1, 2, 4 … minutes (at most an hour) before the ticker tries again.
        retry = self.s.clock.now() + timedelta(minutes=min(60, 2 ** (attempts - 1))) if status == "failed" else None
        with self.s.db.write() as conn:
            Outbox(conn).record(note_id, status, detail, attempts, retry)

    def retry(self, hall_id: int) -> int:
        """Resend failed appointment messages whose wait is over, up to MAX_SENDS tries. Each
        resend is claimed first (status failed → sending), so one message is never sent twice."""
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            due = Outbox(conn).appointment_retries_due(hall_id, now, MAX_SENDS)
        sent = 0
        for row in due:
            with self.s.db.write() as conn:
                claimed = Outbox(conn).claim_retry(row)
            if not claimed:
                continue
            result = self.notifier.send(row.recipient, row.text)
            self._record(row.id, result.status, result.detail, row.attempts + 1)
            sent += result.status == "sent"
        return sent

    def send_reminders(self, hall_id: int) -> int:
        """Queue and send the reminders now due: the day before (at the hall's time) and N
        minutes before the slot. Each is claimed with a conditional UPDATE, so two servers or
        two ticks never send one twice."""
        ctx = self.s.halls.get(hall_id)
        rules = ctx.config.appointments
        now = self.s.clock.now()
        tz = ctx.config.timezone
        today = ctx.schedule.local_date(now)
        tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time(), tz)
        day_before_due = now >= datetime.combine(today, rules.remind_day_before_at, tz)
        soon = timedelta(minutes=rules.remind_minutes_before)
        with self.s.db.read() as conn:
            rows = AppointmentRepository(conn).booked_to_remind(ctx.id, now, tomorrow + timedelta(days=1))
        sent = 0
        for row in rows:
            for kind, column, due, made_by in (
                ("remind_day_before", "reminded_day_before_at", day_before_due and row.slot_start >= tomorrow,
                 datetime.combine(today, rules.remind_day_before_at, tz)),
                ("remind_soon", "reminded_soon_at", bool(soon) and row.slot_start - soon <= now,
                 row.slot_start - soon),
            ):  # fmt: skip
                # A booking made after the reminder's time already has its confirmation.
                if not due or row.created_at >= made_by:
                    continue
                with self.s.db.write() as conn:
                    claimed = AppointmentRepository(conn).change(row.id, {column: None}, **{column: now})
                    note = self.queue(conn, ctx, row, kind, now) if claimed else None
                if note is not None:
                    self.send([note])
                    sent += 1
        return sent
