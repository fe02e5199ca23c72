"""Booking appointments (预约办理, 预约上门). Channels (hotline, web, mobile) come through this.

Web and phone (mobile) bookings hold their seat until the resident types the SMS code sent to the
phone (services/booking_confirmation.py); the kiosk (the resident is in the hall) and the hotline
(a clerk books for the caller) book at once. Public limits per address, per phone and per ID number
are counted in the database (storage/guess_limits.py): shared by every server process, kept across
restarts.

Capacity: each slot has seats (core/appointment_slots.py); a booking takes one with a conditional
UPDATE of the slot's counter row (``taken < seats``), so the slot is never overbooked even when
many residents press 预约 at once. Every booking, cancellation and change is written to the
notifier outbox in the same transaction and sent after the commit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hall_common.i18n import message

from ..core.appointment_slots import Slot, bookable_slot, day_slots
from ..core.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from ..core.identity import id_number_hash, mask_name, valid_id_number
from ..core.rate_limit import Limiter, SlidingWindowLimiter
from ..storage.case_models import CaseNotification
from ..storage.guess_limits import StoredLimiter
from ..storage.models import Appointment, AppointmentSlotSeats, Hall
from ..storage.types import table_of
from . import booking_confirmation as confirmation
from .base import Services
from .case_notifier import Notifier, notifier_from_env
from .context import HallContext

A = table_of(Appointment)
SEATS = table_of(AppointmentSlotSeats)
NOTES = table_of(CaseNotification)
H = table_of(Hall)
Note = tuple[int, str, str]  # an outbox row to send after the commit: id, phone, text
# Bookings the resident may still move to another slot: their own, and those the hall cancelled
# when its calendar changed (services/calendar_bookings.py) — rebooking those is not a new booking.
RESCHEDULABLE = ("booked", "hall_cancelled")
CHANNELS = ("hotline", "web", "mobile", "window", "home_visit", "kiosk")
VISIT_REASONS = ("elderly", "weak", "sick", "disabled")  # 老、弱、病、残
VISIT_REASON_TEXT = "elderly（老）、weak（弱）、sick（病）、disabled（残）"
# Booked by residents themselves (the 爽约 rule applies); the kiosk's 预约办理 is one of them.
RESIDENT_CHANNELS = ("web", "mobile", "kiosk")
# Channels with no staff member to call the resident back: the phone is how they cancel or change.
PHONE_CHANNELS = ("web", "mobile", "kiosk")
# The SMS code needs a mobile number (a landline gets no text).
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
# Mobile numbers (1 + 10 digits) or a landline with area code, as residents write them.
PHONE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")
# Public limits, per client address, per phone and per ID number, each try counted (a hold too):
# enough for a family booking for its elders, far below what a script filling the hall's ~500
# seats of a fortnight would need (each phone must also receive and return its SMS code).
BOOKINGS_PER_ADDRESS, BOOKINGS_PER_PHONE, BOOKINGS_PER_ID, BOOKING_WINDOW = 20, 3, 3, 24 * 3600
CODE_TRIES, CODE_WINDOW = 20, 600  # cancel/reschedule: a 6-digit code guessed from one address
SLOT_LOOKUPS, SLOT_WINDOW = 120, 60
MAX_SENDS = 8  # a message that failed this often stays failed, for the window to call instead


def check_visit_time(ctx: HallContext, start: datetime, now: datetime) -> None:
    """A home visit happens on a working day inside the hall's visit hours, not in the past."""
    if start < now:
        raise InvalidInput("slot_in_past")
    if not visit_time_fits(ctx, start):
        hours = ctx.config.appointments.visit_hours
        raise Conflict("visit_outside_hours", hours="、".join(f"{r.start:%H:%M}-{r.end:%H:%M}" for r in hours))


def visit_time_fits(ctx: HallContext, start: datetime) -> bool:
    """A working day (as the calendar now says) and inside the hall file's visit hours."""
    local = start.astimezone(ctx.config.timezone)
    working = bool(ctx.calendar.day_info(local.date()).is_working_day)
    return working and any(r.start <= local.time() < r.end for r in ctx.config.appointments.visit_hours)


@dataclass(frozen=True)
class BookingRequest:
    resident_name: str
    slot_start: datetime
    matter_id: int | None = None
    id_number: str | None = None
    phone: str | None = None
    channel: str = "hotline"
    place: str | None = None
    visit_reason: str | None = None  # 预约上门: elderly / weak / sick / disabled


def appointment_view(row: Any, tz: tzinfo) -> dict[str, Any]:
    return {
        "id": row.id,
        "code": row.code,
        "matter_id": row.matter_id,
        "resident_masked": mask_name(row.resident_name),
        "id_number_tail": row.id_number_tail,
        "phone_tail": row.phone[-4:] if row.phone else None,
        "channel": row.channel,
        "place": row.place,
        "slot_start": row.slot_start.astimezone(tz).isoformat(),
        "slot_end": row.slot_end.astimezone(tz).isoformat(),
        "status": row.status,
        "cancel_reason": row.cancel_reason,
        "ticket_id": row.ticket_id,
        # A web or phone booking waiting for its SMS code holds the seat until then.
        "hold_expires_at": row.hold_expires_at.astimezone(tz).isoformat()
        if row.status == "held" and row.hold_expires_at
        else None,
    }


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


def _throttle(limiter: Limiter, key: str, now: datetime, code: str) -> None:
    wait = limiter.hit(key, now.timestamp())
    if wait:
        seconds = int(wait) + 1
        raise TooManyRequests(code, seconds=seconds).with_details(retry_after_seconds=seconds)


class Appointments:
    def __init__(self, services: Services, notifier: Notifier | None = None) -> None:
        self.s = services
        self.notifier = notifier or notifier_from_env()
        # Counted in the database: every server process sees them, a restart forgets none.
        self.address_limiter = StoredLimiter(services.db, "booking_addr", BOOKINGS_PER_ADDRESS, BOOKING_WINDOW)
        self.phone_limiter = StoredLimiter(services.db, "booking_phone", BOOKINGS_PER_PHONE, BOOKING_WINDOW)
        self.id_limiter = StoredLimiter(services.db, "booking_id", BOOKINGS_PER_ID, BOOKING_WINDOW)
        # Guessing a code + phone tail: counted in the database, across processes and restarts.
        self.code_limiter = StoredLimiter(services.db, "appointment_code", CODE_TRIES, CODE_WINDOW)
        self.slot_limiter = SlidingWindowLimiter(SLOT_LOOKUPS, SLOT_WINDOW)

    # --- slots ---------------------------------------------------------------------------
    def slots(self, hall_id: int, day: date | None, matter_id: int | None, client: str | None) -> dict[str, Any]:
        """The slots of a day a resident may still book, with seats and seats taken. Without a
        day: the first day from today with a slot (what the booking page opens on)."""
        now = self.s.clock.now()
        if client is not None:
            _throttle(self.slot_limiter, client, now, "slots_throttled")
        ctx = self.s.halls.get(hall_id)
        self._bookable_matter(ctx, matter_id)
        rules = ctx.config.appointments
        today = ctx.schedule.local_date(now)
        last_day = today + timedelta(days=rules.horizon_days)
        latest = timedelta(minutes=rules.latest_minutes_before)

        def open_slots(d: date) -> list[Slot]:
            return [s for s in day_slots(ctx.schedule, rules, d) if s.start - latest >= now] if d <= last_day else []

        if day is None:
            day = next(
                (
                    today + timedelta(days=i)
                    for i in range(rules.horizon_days + 1)
                    if open_slots(today + timedelta(days=i))
                ),
                today,
            )
        slots = open_slots(day)
        taken = self._taken(ctx.id, [s.start for s in slots])
        tz = ctx.config.timezone
        bookable = [
            m
            for m in sorted(ctx.matters.values(), key=lambda m: m.sort_order)
            if m.active and (not rules.matters or m.matter.code in rules.matters)
        ]
        return {
            "hall": ctx.config.short_name,
            "date": day.isoformat(),
            "today": today.isoformat(),
            "last_day": last_day.isoformat(),
            # The booking page has no token: the bookable matters come with the slots (names only).
            "matters": [{"id": m.id, "name": m.matter.name} for m in bookable],
            "slot_minutes": rules.slot_minutes,
            "slots": [
                {
                    "start": s.start.astimezone(tz).isoformat(),
                    "end": s.end.astimezone(tz).isoformat(),
                    "window_numbers": sorted(s.windows),
                    "seats": s.seats,
                    "taken": min(taken.get(s.start, 0), s.seats),
                    "appointment_only": s.appointment_only,
                }
                for s in slots
            ],
        }

    def _taken(self, hall_id: int, starts: list[datetime]) -> dict[datetime, int]:
        if not starts:
            return {}
        with self.s.db.read() as conn:
            rows = conn.execute(
                select(SEATS.c.slot_start, SEATS.c.taken).where(
                    SEATS.c.hall_id == hall_id, SEATS.c.slot_start.in_(starts)
                )
            )
            return {r.slot_start: r.taken for r in rows}

    def _bookable_matter(self, ctx: HallContext, matter_id: int | None) -> None:
        if matter_id is None:
            return  # 综合业务: the window decides the matter
        stored = ctx.matters.get(matter_id)
        if stored is None or not stored.active:
            raise NotFound("matter_not_found", matter_id=matter_id)
        allowed = ctx.config.appointments.matters
        if allowed and stored.matter.code not in allowed:
            raise Conflict("matter_not_bookable", matter=stored.matter.name)

    @staticmethod
    def _take_seat(conn: Connection, hall_id: int, slot: Slot) -> None:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(SEATS).values(hall_id=hall_id, slot_start=slot.start, taken=0).on_conflict_do_nothing())
        # The condition is checked on the locked row: the last seat goes to exactly one booker.
        taken = conn.execute(
            update(SEATS)
            .where(SEATS.c.hall_id == hall_id, SEATS.c.slot_start == slot.start, SEATS.c.taken < slot.seats)
            .values(taken=SEATS.c.taken + 1)
        )
        if taken.rowcount != 1:
            raise Conflict("slot_full").with_details(seats=slot.seats)

    def locked_context(self, conn: Connection, ctx: HallContext) -> HallContext:
        """The hall's context as of this transaction, with the hall row held against calendar
        changes until the commit (FOR SHARE on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds
        the only write lock). A calendar change updates that row first, so a booking either
        commits before the change reads the day's bookings or waits and is checked against the
        new calendar here; bookings do not wait for each other (share locks)."""
        query = select(H.c.updated_at).where(H.c.id == ctx.id)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(read=True)
        if conn.execute(query).scalar_one() == ctx.version:
            return ctx
        return self.s.halls.reload(conn, ctx.id)  # changed since loaded (here or in another process)

    @staticmethod
    def free_seat(conn: Connection, hall_id: int, start: datetime) -> None:
        conn.execute(
            update(SEATS)
            .where(SEATS.c.hall_id == hall_id, SEATS.c.slot_start == start, SEATS.c.taken > 0)
            .values(taken=SEATS.c.taken - 1)
        )

    # --- booking -------------------------------------------------------------------------
    def book(self, hall_id: int, req: BookingRequest, client: str | None = None) -> dict[str, Any]:
        """``client``: the public caller's address (rate-limited); None for staff and devices."""
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        if req.channel not in CHANNELS:
            raise InvalidInput("invalid_channel", channel=req.channel, channels=", ".join(CHANNELS))
        if not req.resident_name or not req.resident_name.strip():
            raise InvalidInput("resident_name_required")
        if req.id_number and not valid_id_number(req.id_number):
            raise InvalidInput("invalid_id_number")
        phone = (req.phone or "").strip().replace(" ", "") or None
        if phone is not None and not PHONE.match(phone):
            raise InvalidInput("invalid_phone")
        if req.channel in PHONE_CHANNELS and phone is None:
            raise InvalidInput("phone_required")
        held = req.channel in confirmation.CONFIRM_CHANNELS
        if held and phone is not None and not MOBILE.match(phone):
            raise InvalidInput("sms_needs_mobile", "appointments.sms_needs_mobile")
        if req.channel == "home_visit" and not (req.place and req.place.strip()):
            raise InvalidInput("home_visit_needs_place")
        self._bookable_matter(ctx, req.matter_id)
        start = req.slot_start if req.slot_start.tzinfo else req.slot_start.replace(tzinfo=ctx.config.timezone)
        rules = ctx.config.appointments
        slot: Slot | None = None
        if req.channel == "home_visit":
            # Home visits are arranged by the supervisor, outside the hall's seats; the wished
            # time must still be one the staff visit (working day, visit hours).
            if req.visit_reason not in VISIT_REASONS:
                raise InvalidInput("home_visit_needs_reason", reasons=VISIT_REASON_TEXT)
            check_visit_time(ctx, start, now)
        else:
            slot = bookable_slot(ctx.schedule, rules, start, now)
        phone_hash = id_number_hash(self.s.id_secret, ctx.code, f"phone:{phone}") if phone else None
        id_hash = id_number_hash(self.s.id_secret, ctx.code, req.id_number) if req.id_number else None
        if req.channel in RESIDENT_CHANNELS:
            self._check_no_shows(ctx, now, phone_hash, id_hash)
        if client is not None:
            _throttle(self.address_limiter, client, now, "booking_throttled")
        if client is not None or req.channel == "kiosk":
            # A kiosk is one address for the whole hall (no address limit), but anyone may tap it:
            # the per-phone and per-ID limits keep one person from filling the slots there too.
            if phone_hash:
                _throttle(self.phone_limiter, f"phone:{phone_hash}", now, "booking_throttled")
            if id_hash:
                _throttle(self.id_limiter, f"id:{id_hash}", now, "booking_throttled")
        sms_code = confirmation.new_code() if held else None
        end = slot.end if slot else start + timedelta(minutes=rules.slot_minutes)
        with self.s.db.write() as conn:
            if slot is not None:
                fresh = self.locked_context(conn, ctx)
                if fresh is not ctx:  # the calendar changed since the slot was checked
                    ctx, slot = fresh, bookable_slot(fresh.schedule, fresh.config.appointments, start, now)
                confirmation.expire_holds(conn, ctx, now, slot.start)  # a stale hold refuses nobody
                self._take_seat(conn, ctx.id, slot)
            code = self._new_code(conn, ctx.id)
            row_id = conn.execute(
                A.insert()
                .returning(A.c.id)
                .values(
                    hall_id=ctx.id,
                    code=code,
                    matter_id=req.matter_id,
                    resident_name=req.resident_name.strip(),
                    id_number_hash=id_hash,
                    id_number_tail=req.id_number.strip()[-4:] if req.id_number else None,
                    phone=phone,
                    phone_hash=phone_hash,
                    channel=req.channel,
                    place=req.place,
                    visit_reason=req.visit_reason if req.channel == "home_visit" else None,
                    slot_start=start,
                    slot_end=end,
                    status="held" if held else "booked",
                    hold_expires_at=confirmation.hold_until(ctx, now) if held else None,
                    confirm_hash=confirmation.code_hash(self.s.id_secret, ctx.code, code, sms_code)
                    if sms_code
                    else None,
                    booked_from=client if client and client.startswith("addr:") else None,
                    created_at=now,
                )
            ).scalar_one()
            row = conn.execute(select(A).where(A.c.id == row_id)).one()
            if sms_code:
                note = self.queue_note(
                    conn, ctx, row, "confirm_code", now, sms_code=sms_code, minutes=str(rules.hold_minutes)
                )
            else:
                note = self.queue_note(conn, ctx, row, "booked", now)
        self._send(note)
        return appointment_view(row, ctx.config.timezone)

    def confirm(self, hall_id: int, code: str, sms_code: str, client: str | None) -> dict[str, Any]:
        """The resident types the SMS code: the held seat is the resident's for good (or, past the
        hold, any seat of the slot still free). Then the usual confirmation text goes out."""
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        if client is not None:
            _throttle(self.code_limiter, client, now, "code_throttled")
        typed = confirmation.check_code(sms_code)

        def take_seat(conn: Connection, row: Any) -> None:
            self._take_seat(conn, ctx.id, bookable_slot(ctx.schedule, ctx.config.appointments, row.slot_start, now))

        with self.s.db.write() as conn:
            row, booked, refusal = confirmation.confirm(conn, ctx, self.s.id_secret, code, typed, now, take_seat)
            note = self.queue_note(conn, ctx, row, "booked", now) if booked else None
        if refusal is not None:
            raise refusal  # after the commit: the wrong try is counted, an ended hold's seat is free
        self._send(note)
        return appointment_view(row, ctx.config.timezone)

    def expire_holds(self, hall_id: int) -> int:
        """Unconfirmed holds past their time give their seats back (the ticker's step)."""
        ctx = self.s.halls.get(hall_id)
        with self.s.db.write() as conn:
            return confirmation.expire_holds(conn, ctx, self.s.clock.now())

    @staticmethod
    def _new_code(conn: Connection, hall_id: int) -> str:
        for _ in range(20):
            code = f"{secrets.randbelow(10**6):06d}"
            if conn.execute(select(A.c.id).where(A.c.hall_id == hall_id, A.c.code == code)).first() is None:
                return code
        raise Conflict("appointment_codes_exhausted")

    # --- the resident's own changes (code + last 4 digits of the phone) --------------------
    @staticmethod
    def _find_own(conn: Connection, ctx: HallContext, code: str, phone_tail: str) -> Any:
        row = conn.execute(select(A).where(A.c.hall_id == ctx.id, A.c.code == code.strip())).first()
        # A wrong tail reads as an unknown code: the answer never tells which codes exist.
        if row is None or not row.phone or not secrets.compare_digest(row.phone[-4:], phone_tail.strip()):
            raise NotFound("appointment_not_found")
        return row

    def _own(
        self, conn: Connection, ctx: HallContext, code: str, phone_tail: str, changeable: tuple[str, ...] = ("booked",)
    ) -> Any:
        row = self._find_own(conn, ctx, code, phone_tail)
        if row.status not in changeable:
            raise Conflict("appointment_not_changeable", status=message(f"server.appointment_status_{row.status}"))
        return row

    def lookup(self, hall_id: int, code: str, phone_tail: str, client: str | None) -> dict[str, Any]:
        """The resident's own booking (code + last 4 digits of the phone), whatever its status:
        /book shows a booking the hall cancelled, with why, before the resident picks a new slot."""
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        if client is not None:
            _throttle(self.code_limiter, client, now, "code_throttled")
        with self.s.db.read() as conn:
            row = self._find_own(conn, ctx, code, phone_tail)
        return appointment_view(row, ctx.config.timezone)

    def cancel(self, hall_id: int, code: str, phone_tail: str, client: str | None) -> dict[str, Any]:
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        if client is not None:
            _throttle(self.code_limiter, client, now, "code_throttled")
        with self.s.db.write() as conn:
            row = self._own(conn, ctx, code, phone_tail, changeable=("booked", "held"))
            changed = conn.execute(
                update(A).where(A.c.id == row.id, A.c.status == row.status).values(status="cancelled")
            ).rowcount
            if changed != 1:
                raise Conflict("appointment_not_changeable", status=message("server.appointment_status_cancelled"))
            if row.channel != "home_visit":
                self.free_seat(conn, ctx.id, row.slot_start)
            row = conn.execute(select(A).where(A.c.id == row.id)).one()
            note = self.queue_note(conn, ctx, row, "cancelled", now)
        self._send(note)
        return appointment_view(row, ctx.config.timezone)

    def reschedule(
        self, hall_id: int, code: str, phone_tail: str, slot_start: datetime, client: str | None
    ) -> dict[str, Any]:
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        if client is not None:
            _throttle(self.code_limiter, client, now, "code_throttled")
        start = slot_start if slot_start.tzinfo else slot_start.replace(tzinfo=ctx.config.timezone)
        slot = bookable_slot(ctx.schedule, ctx.config.appointments, start, now)
        with self.s.db.write() as conn:
            fresh = self.locked_context(conn, ctx)
            if fresh is not ctx:  # the calendar changed since the slot was checked
                ctx, slot = fresh, bookable_slot(fresh.schedule, fresh.config.appointments, start, now)
            row = self._own(conn, ctx, code, phone_tail, changeable=RESCHEDULABLE)
            status = message(f"server.appointment_status_{row.status}")
            if row.channel == "home_visit":
                raise Conflict("appointment_not_changeable", status=status)
            # A booking the hall cancelled holds no seat: it may come back to the very same slot
            # if one is free again. It is the hall's change, not a new booking: no 爽约 check
            # and no per-phone limit (the resident's code and phone tail are enough).
            seated = row.status == "booked"
            if seated and row.slot_start == slot.start:
                raise InvalidInput("reschedule_same_slot")
            self._take_seat(conn, ctx.id, slot)  # a full slot raises here: the old seat is kept
            if seated:
                self.free_seat(conn, ctx.id, row.slot_start)
            changed = conn.execute(
                update(A)
                .where(A.c.id == row.id, A.c.status == row.status, A.c.slot_start == row.slot_start)
                .values(
                    slot_start=slot.start,
                    slot_end=slot.end,
                    status="booked",
                    cancel_reason=None,
                    **_reminders_told_by_the_move(ctx, slot.start, now),
                )
            ).rowcount
            if changed != 1:
                raise Conflict("appointment_not_changeable", status=status)
            row = conn.execute(select(A).where(A.c.id == row.id)).one()
            note = self.queue_note(conn, ctx, row, "rescheduled", now)
        self._send(note)
        return appointment_view(row, ctx.config.timezone)

    # --- no-shows (爽约) ---------------------------------------------------------------------
    def mark_no_shows(self, hall_id: int) -> int:
        """Bookings not checked in by their slot start plus the grace period become 爽约."""
        ctx = self.s.halls.get(hall_id)
        cutoff = self.s.clock.now() - timedelta(minutes=ctx.config.appointments.no_show_grace_minutes)
        with self.s.db.write() as conn:
            return int(
                conn.execute(
                    update(A)
                    .where(
                        A.c.hall_id == ctx.id,
                        A.c.status == "booked",
                        A.c.channel != "home_visit",
                        A.c.slot_start < cutoff,
                    )
                    .values(status="no_show")
                ).rowcount
            )

    def tick(self) -> None:
        """The background ticker's step (driven by the server's clock)."""
        for hall_id in self.s.halls.all_ids():
            self.expire_holds(hall_id)
            self.mark_no_shows(hall_id)
            self.send_reminders(hall_id)
            self.retry_messages(hall_id)

    # --- reminders -------------------------------------------------------------------------
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
            rows = conn.execute(
                select(A).where(
                    A.c.hall_id == ctx.id,
                    A.c.status == "booked",
                    A.c.phone.is_not(None),
                    A.c.slot_start > now,
                    A.c.slot_start < tomorrow + timedelta(days=1),
                )
            ).all()
        sent = 0
        for row in rows:
            for kind, column, due, made_by in (
                ("remind_day_before", A.c.reminded_day_before_at, day_before_due and row.slot_start >= tomorrow,
                 datetime.combine(today, rules.remind_day_before_at, tz)),
                ("remind_soon", A.c.reminded_soon_at, bool(soon) and row.slot_start - soon <= now,
                 row.slot_start - soon),
            ):  # fmt: skip
                # A booking made after the reminder's time already has its confirmation.
                if not due or row.created_at >= made_by:
                    continue
                with self.s.db.write() as conn:
                    claimed = conn.execute(
                        update(A).where(A.c.id == row.id, column.is_(None)).values({column: now})
                    ).rowcount
                    note = self.queue_note(conn, ctx, row, kind, now) if claimed == 1 else None
                if note is not None:
                    self._send(note)
                    sent += 1
        return sent

    def _check_no_shows(self, ctx: HallContext, now: datetime, phone_hash: str | None, id_hash: str | None) -> None:
        rules = ctx.config.appointments
        if not rules.max_no_shows or not (phone_hash or id_hash):
            return
        self.mark_no_shows(ctx.id)  # the count is current whether or not the ticker has run
        who = [A.c.phone_hash == phone_hash] if phone_hash else []
        who += [A.c.id_number_hash == id_hash] if id_hash else []
        since = now - timedelta(days=rules.no_show_days)
        with self.s.db.read() as conn:
            count = len(
                conn.execute(
                    select(A.c.id).where(
                        A.c.hall_id == ctx.id, A.c.status == "no_show", A.c.slot_start >= since, or_(*who)
                    )
                ).all()
            )
        if count >= rules.max_no_shows:
            raise Conflict("booking_blocked_no_shows", count=count, days=rules.no_show_days).with_details(
                no_shows=count, days=rules.no_show_days
            )

    # --- staff ---------------------------------------------------------------------------
    def day_list(self, hall_id: int, day: date) -> dict[str, Any]:
        ctx = self.s.halls.get(hall_id)
        tz = ctx.config.timezone
        start = datetime.combine(day, datetime.min.time(), tz)
        with self.s.db.read() as conn:
            rows = conn.execute(
                select(A)
                .where(A.c.hall_id == ctx.id, A.c.slot_start >= start, A.c.slot_start < start + timedelta(days=1))
                .order_by(A.c.slot_start, A.c.id)
            ).all()
        return {"date": day.isoformat(), "appointments": [appointment_view(r, tz) for r in rows]}

    def get(self, hall_id: int, code: str) -> dict[str, Any]:
        ctx = self.s.halls.get(hall_id)
        with self.s.db.read() as conn:
            row = conn.execute(select(A).where(A.c.hall_id == ctx.id, A.c.code == code)).first()
        if row is None:
            raise NotFound("appointment_not_found")
        return appointment_view(row, ctx.config.timezone)

    # --- messages to the resident -----------------------------------------------------------
    def queue_note(self, conn: Connection, ctx: HallContext, row: Any, kind: str, now: datetime, **extra: str) -> Any:
        """The outbox row for a booking change, in the change's own transaction (never lost)."""
        if not row.phone:
            return None
        slot = row.slot_start.astimezone(ctx.config.timezone).strftime("%m月%d日 %H:%M")
        text = message(f"appointments.sms_{kind}", hall=ctx.config.short_name, code=row.code, slot=slot, **extra)
        note_id = conn.execute(
            NOTES.insert()
            .returning(NOTES.c.id)
            .values(
                case_id=None,
                appointment_id=row.id,
                hall_id=ctx.id,
                channel=self.notifier.channel,
                recipient=row.phone,
                text=text,
                status="pending",
                detail="",
                created_at=now,
            )
        ).scalar_one()
        return (note_id, row.phone, text)

    def send(self, notes: list[Note]) -> None:
        """Send outbox rows queued in a committed transaction (a failed one waits for the retries)."""
        for note in notes:
            self._send(note)

    def _send(self, note: Any) -> None:
        # After the commit: a slow SMS gateway never holds the database's write lock.
        if note is None:
            return
        note_id, phone, text = note
        result = self.notifier.send(phone, text)
        self._record(note_id, result.status, result.detail, 1)

    def _record(self, note_id: int, status: str, detail: str, attempts: int) -> None:
        # A failed send waits 1, 2, 4 … minutes (at most an hour) before the ticker tries again.
        retry = self.s.clock.now() + timedelta(minutes=min(60, 2 ** (attempts - 1))) if status == "failed" else None
        with self.s.db.write() as conn:
            conn.execute(
                update(NOTES)
                .where(NOTES.c.id == note_id)
                .values(status=status, detail=detail[:500], attempts=attempts, next_attempt_at=retry)
            )

    def retry_messages(self, hall_id: int) -> int:
        """Resend failed appointment messages whose wait is over, up to MAX_SENDS tries. Each
        resend is claimed first (status failed → sending), so one message is never sent twice."""
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            due = conn.execute(
                select(NOTES.c.id, NOTES.c.recipient, NOTES.c.text, NOTES.c.attempts).where(
                    NOTES.c.hall_id == hall_id,
                    NOTES.c.appointment_id.is_not(None),
                    NOTES.c.status == "failed",
                    NOTES.c.attempts < MAX_SENDS,
                    NOTES.c.next_attempt_at <= now,
                )
            ).all()
        sent = 0
        for row in due:
            with self.s.db.write() as conn:
                claimed = conn.execute(
                    update(NOTES)
                    .where(NOTES.c.id == row.id, NOTES.c.status == "failed", NOTES.c.attempts == row.attempts)
                    .values(status="sending")
                ).rowcount
            if claimed != 1:
                continue
            result = self.notifier.send(row.recipient, row.text)
            self._record(row.id, result.status, result.detail, row.attempts + 1)
            sent += result.status == "sent"
        return sent
