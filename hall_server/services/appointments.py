"""Booking appointments (预约办理, 预约上门). Channels (hotline, web, mobile) come through this.

Web and phone (mobile) bookings hold their seat until the resident types the SMS code sent to the
phone (services/booking_confirmation.py); the kiosk (the resident is in the hall) and the hotline
(a clerk books for the caller) book at once. Public limits per address, per phone and per ID number
are counted in the database (storage/guess_limits.py): shared by every server process, kept across
restarts. The resident's own changes (code + phone tail) are services/booking_changes.py; the
texts to the resident, services/booking_messages.py.

Capacity: each slot has seats (core/appointment_slots.py); a booking takes one with a conditional
UPDATE of the slot's counter row (storage/repositories/appointments.py), so the slot is never
overbooked even when many residents press 预约 at once. Every booking, cancellation and change is
written to the notifier outbox in the same transaction and sent after the commit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, TypedDict

from sqlalchemy import Connection

from ..core.appointment_slots import Slot, bookable_slot, day_slots
from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.identity import id_number_hash, mask_name, valid_id_number
from ..core.rate_limit import SlidingWindowLimiter, throttle
from ..storage.guess_limits import StoredLimiter
from ..storage.repositories.appointments import AppointmentRecord, AppointmentRepository, NewAppointment
from ..storage.repositories.halls import calendar_version_held
from . import booking_confirmation as confirmation
from .base import Services
from .booking_messages import BookingMessages
from .case_notifier import Notifier, notifier_from_env
from .context import HallContext

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
    """A booking as the route's schema checked it (channel and visit reason among the allowed)."""

    resident_name: str
    slot_start: datetime
    matter_id: int | None = None
    id_number: str | None = None
    phone: str | None = None
    channel: str = "hotline"
    place: str | None = None
    visit_reason: str | None = None  # 预约上门: elderly / weak / sick / disabled


class AppointmentView(TypedDict):
    """A booking as the API shows it: masked name, tails of the ID number and the phone."""

    id: int
    code: str
    matter_id: int | None
    resident_masked: str
    id_number_tail: str | None
    phone_tail: str | None
    channel: str
    place: str | None
    slot_start: str
    slot_end: str
    status: str
    cancel_reason: str | None
    ticket_id: int | None
    hold_expires_at: str | None


def appointment_view(row: AppointmentRecord, tz: tzinfo) -> AppointmentView:
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


def local_slot_start(ctx: HallContext, start: datetime) -> datetime:
    """A slot time given without a zone is the hall's local time."""
    return start if start.tzinfo else start.replace(tzinfo=ctx.config.timezone)


class Appointments:
    def __init__(self, services: Services, notifier: Notifier | None = None) -> None:
        self.s = services
        self.messages = BookingMessages(services, notifier or notifier_from_env())
        # Counted in the database: every server process sees them, a restart forgets none.
        self.address_limiter = StoredLimiter(services.db, "booking_addr", BOOKINGS_PER_ADDRESS, BOOKING_WINDOW)
        self.phone_limiter = StoredLimiter(services.db, "booking_phone", BOOKINGS_PER_PHONE, BOOKING_WINDOW)
        self.id_limiter = StoredLimiter(services.db, "booking_id", BOOKINGS_PER_ID, BOOKING_WINDOW)
        # Guessing a code + phone tail (here and in booking_changes.py): one count for both.
        self.code_limiter = StoredLimiter(services.db, "appointment_code", CODE_TRIES, CODE_WINDOW)
        self.slot_limiter = SlidingWindowLimiter(SLOT_LOOKUPS, SLOT_WINDOW)

    # --- slots ---------------------------------------------------------------------------
    def slots(self, hall_id: int, day: date | None, matter_id: int | None, client: str | None) -> dict[str, Any]:
        """The slots of a day a resident may still book, with seats and seats taken. Without a
        day: the first day from today with a slot (what the booking page opens on)."""
        now = self.s.clock.now()
        if client is not None:
            throttle(self.slot_limiter, client, now, "slots_throttled")
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
        with self.s.db.read() as conn:
            taken = AppointmentRepository(conn).seats_taken(ctx.id, (s.start for s in slots))
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
    def take_seat(conn: Connection, hall_id: int, slot: Slot) -> None:
        if not AppointmentRepository(conn).take_seat(hall_id, slot.start, slot.seats):
            raise Conflict("slot_full").with_details(seats=slot.seats)

    def locked_context(self, conn: Connection, ctx: HallContext) -> HallContext:
        """The hall's context as of this transaction, with the hall row held against calendar
        changes until the commit (storage/repositories/halls.py). A calendar change updates that
        row first, so a booking either commits before the change reads the day's bookings or
        waits and is checked against the new calendar here."""
        if calendar_version_held(conn, ctx.id) == ctx.version:
            return ctx
        return self.s.halls.reload(conn, ctx.id)  # changed since loaded (here or in another process)

    # --- booking -------------------------------------------------------------------------
    def book(self, hall_id: int, req: BookingRequest, client: str | None = None) -> AppointmentView:
        """``client``: the public caller's address (rate-limited); None for staff and devices."""
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        if not req.resident_name.strip():
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
        start = local_slot_start(ctx, req.slot_start)
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
            throttle(self.address_limiter, client, now, "booking_throttled")
        if client is not None or req.channel == "kiosk":
            # A kiosk is one address for the whole hall (no address limit), but anyone may tap it:
            # the per-phone and per-ID limits keep one person from filling the slots there too.
            if phone_hash:
                throttle(self.phone_limiter, f"phone:{phone_hash}", now, "booking_throttled")
            if id_hash:
                throttle(self.id_limiter, f"id:{id_hash}", now, "booking_throttled")
        sms_code = confirmation.new_code() if held else None
        end = slot.end if slot else start + timedelta(minutes=rules.slot_minutes)
        with self.s.db.write() as conn:
            if slot is not None:
                fresh = self.locked_context(conn, ctx)
                if fresh is not ctx:  # the calendar changed since the slot was checked
                    ctx, slot = fresh, bookable_slot(fresh.schedule, fresh.config.appointments, start, now)
                confirmation.expire_holds(conn, ctx, now, slot.start)  # a stale hold refuses nobody
                self.take_seat(conn, ctx.id, slot)
            code = self._new_code(conn, ctx.id)
            row = AppointmentRepository(conn).add(
                NewAppointment(
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
            )
            if sms_code:
                minutes = str(rules.hold_minutes)
                note = self.messages.queue(conn, ctx, row, "confirm_code", now, sms_code=sms_code, minutes=minutes)
            else:
                note = self.messages.queue(conn, ctx, row, "booked", now)
        self.messages.send([note])
        return appointment_view(row, ctx.config.timezone)

    def confirm(self, hall_id: int, code: str, sms_code: str, client: str | None) -> AppointmentView:
        """The resident types the SMS code: the held seat is the resident's for good (or, past the
        hold, any seat of the slot still free). Then the usual confirmation text goes out."""
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        if client is not None:
            throttle(self.code_limiter, client, now, "code_throttled")
        typed = confirmation.check_code(sms_code)

        def take_seat(conn: Connection, row: AppointmentRecord) -> None:
            self.take_seat(conn, ctx.id, bookable_slot(ctx.schedule, ctx.config.appointments, row.slot_start, now))

        with self.s.db.write() as conn:
            row, booked, refusal = confirmation.confirm(conn, ctx, self.s.id_secret, code, typed, now, take_seat)
            note = self.messages.queue(conn, ctx, row, "booked", now) if booked else None
        if refusal is not None:
            raise refusal  # after the commit: the wrong try is counted, an ended hold's seat is free
        self.messages.send([note])
        return appointment_view(row, ctx.config.timezone)

    def expire_holds(self, hall_id: int) -> int:
        """Unconfirmed holds past their time give their seats back (the ticker's step)."""
        ctx = self.s.halls.get(hall_id)
        with self.s.db.write() as conn:
            return confirmation.expire_holds(conn, ctx, self.s.clock.now())

    @staticmethod
    def _new_code(conn: Connection, hall_id: int) -> str:
        bookings = AppointmentRepository(conn)
        for _ in range(20):
            code = f"{secrets.randbelow(10**6):06d}"
            if not bookings.code_in_use(hall_id, code):
                return code
        raise Conflict("appointment_codes_exhausted")

    # --- no-shows (爽约) ---------------------------------------------------------------------
    def mark_no_shows(self, hall_id: int) -> int:
        """Bookings not checked in by their slot start plus the grace period become 爽约."""
        ctx = self.s.halls.get(hall_id)
        cutoff = self.s.clock.now() - timedelta(minutes=ctx.config.appointments.no_show_grace_minutes)
        with self.s.db.write() as conn:
            return AppointmentRepository(conn).mark_no_shows(ctx.id, cutoff)

    def tick(self) -> None:
        """The background ticker's step (driven by the server's clock)."""
        for hall_id in self.s.halls.all_ids():
            self.expire_holds(hall_id)
            self.mark_no_shows(hall_id)
            self.messages.send_reminders(hall_id)
            self.messages.retry(hall_id)

    def _check_no_shows(self, ctx: HallContext, now: datetime, phone_hash: str | None, id_hash: str | None) -> None:
        rules = ctx.config.appointments
        if not rules.max_no_shows or not (phone_hash or id_hash):
            return
        self.mark_no_shows(ctx.id)  # the count is current whether or not the ticker has run
        since = now - timedelta(days=rules.no_show_days)
        with self.s.db.read() as conn:
            count = AppointmentRepository(conn).no_shows_since(ctx.id, since, phone_hash, id_hash)
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
            rows = AppointmentRepository(conn).starting_between(ctx.id, start, start + timedelta(days=1))
        return {"date": day.isoformat(), "appointments": [appointment_view(r, tz) for r in rows]}

    def get(self, hall_id: int, code: str) -> AppointmentView:
        ctx = self.s.halls.get(hall_id)
        with self.s.db.read() as conn:
            row = AppointmentRepository(conn).by_code(ctx.id, code)
        if row is None:
            raise NotFound("appointment_not_found")
        return appointment_view(row, ctx.config.timezone)
