"""The SMS code of a web or phone booking: a seat is held for good only once the phone is confirmed.

A booking from the /book page (or the mobile channel) takes its seat at once — so two residents
never both hold the last one — but as a *hold* (status ``held``) that ends at ``hold_expires_at``
(the hall's ``[appointments] hold_minutes``, default 10). The code goes out through the notifier
outbox in the booking's own transaction, so it is never lost to a gateway outage; only a keyed
hash of it is stored. Entering it makes the booking ``booked``; a hold not confirmed in time
becomes ``expired`` and gives its seat back (swept by the ticker, and before any booking of the
same slot, so a stale hold never refuses a resident). A late code still books if a seat is free
then. Every step is one conditional UPDATE: of a hold expiring and being confirmed at the same
moment, exactly one wins, and the slot's counter (``taken < seats``) decides the last seat.

Guessing: CONFIRM_TRIES wrong codes end the hold (its seat goes back), and the public route is
throttled per address as well, so one hold gives at most 5 tries in a million.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection

from ..core.errors import Conflict, DomainError, InvalidInput, NotFound
from ..core.identity import id_number_hash
from ..storage.repositories.appointments import AppointmentRecord, AppointmentRepository
from .context import HallContext

CONFIRM_CHANNELS = ("web", "mobile")  # booked by the resident on a phone or a browser
CONFIRM_TRIES = 5
CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(secret: bytes, hall_code: str, appointment_code: str, sms_code: str) -> str:
    """Keyed with the server's secret: the stored hash does not give the code back."""
    return id_number_hash(secret, hall_code, f"sms:{appointment_code}:{sms_code}")


def hold_until(ctx: HallContext, now: datetime) -> datetime:
    return now + timedelta(minutes=ctx.config.appointments.hold_minutes)


def expire_holds(conn: Connection, ctx: HallContext, now: datetime, slot_start: datetime | None = None) -> int:
    """Unconfirmed holds past their time become ``expired`` and free their seats (of one slot, or all).
    Each row is expired by its own conditional UPDATE, and its seat freed only if that UPDATE won
    (a confirmation racing it leaves the seat taken, once)."""
    bookings = AppointmentRepository(conn)
    freed = 0
    for row in bookings.holds_ended(ctx.id, now, slot_start):
        if bookings.expire_hold(row.id, now):
            bookings.free_seat(ctx.id, row.slot_start)
            freed += 1
    return freed


def check_code(raw: str | None) -> str:
    code = (raw or "").strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        raise InvalidInput("sms_code_format", "appointments.sms_code_format", digits=CODE_DIGITS)
    return code


def confirm(
    conn: Connection,
    ctx: HallContext,
    secret: bytes,
    code: str,
    sms_code: str,
    now: datetime,
    take_seat: Callable[[Connection, AppointmentRecord], None],
) -> tuple[AppointmentRecord, bool, DomainError | None]:
    """Confirm the hold ``code`` with ``sms_code``: (row, newly booked, refusal). A wrong code is a
    refusal returned, not raised, so that the try it counts is committed with it. ``take_seat(conn,
    row)`` takes a free seat again for a late code whose hold has expired (raises slot_full)."""
    bookings = AppointmentRepository(conn)
    # Tries at one hold take turns: parallel wrong codes each read the count the one before left,
    # so none escapes CONFIRM_TRIES.
    row = bookings.by_code(ctx.id, code.strip(), lock=True)
    if row is None or row.channel not in CONFIRM_CHANNELS:
        raise NotFound("appointment_not_found")
    if row.status == "booked" and row.confirm_hash is None and row.hold_expires_at is not None:
        return row, False, None  # confirmed already (a second tap): the same answer
    if row.status not in ("held", "expired") or row.confirm_hash is None:
        raise Conflict("booking_not_held", "appointments.booking_not_held")
    if not secrets.compare_digest(row.confirm_hash, code_hash(secret, ctx.code, row.code, sms_code)):
        tries = row.confirm_tries + 1
        ended = tries >= CONFIRM_TRIES
        changed = bookings.change(
            row.id,
            {"confirm_tries": row.confirm_tries, "status": row.status},
            confirm_tries=tries,
            **({"status": "expired", "confirm_hash": None} if ended else {}),
        )
        if changed and ended and row.status == "held":
            bookings.free_seat(ctx.id, row.slot_start)
        if ended:
            return row, False, Conflict("sms_code_tries_used", "appointments.sms_code_tries_used")
        return row, False, InvalidInput("sms_code_wrong", "appointments.sms_code_wrong", left=CONFIRM_TRIES - tries)
    if row.status == "held" and row.hold_expires_at is not None and row.hold_expires_at > now:
        if bookings.confirm_hold(row.id, now):
            return bookings.get(row.id), True, None
    # Late: the hold is over (or is being swept right now). Give its seat back once, then take
    # any seat still free — a slow typist keeps the slot if nobody took it meanwhile.
    expire_holds(conn, ctx, now, row.slot_start)
    take_seat(conn, row)
    if not bookings.change(row.id, {"status": "expired"}, status="booked", confirm_hash=None):
        raise Conflict("booking_not_held", "appointments.booking_not_held")
    return bookings.get(row.id), True, None
