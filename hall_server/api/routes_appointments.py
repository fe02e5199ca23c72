"""Appointments over HTTP: slots, booking, the resident's own changes (code + phone tail), the SMS
code that confirms a web or phone booking, and the supervisor's lists of bookings to release
(stranded by the calendar, or looking like hoarding)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import g, jsonify, request

from ..core.errors import InvalidInput
from ..services.access import Principal
from ..services.appointments import BookingRequest
from .context import Unauthorized, body, caller, principal, query, server
from .declarations import (
    DATE_QUERY,
    DEVICE_ROLES,
    E400,
    E403,
    E404,
    STAFF,
    SUPERVISORS,
    booking_page_url,
    bp,
    local_datetime,
    responses,
    spec,
)
from .spec import obj
from .validation import local_time

BOOK_BODY = obj(
    ("resident_name", "slot_start"),
    matter_id={"type": ["integer", "null"]},
    resident_name={"type": "string", "maxLength": 50, "minLength": 1},
    slot_start=local_time("local time, e.g. 2026-11-26T10:00", "2026-11-26T10:00"),
    slot_minutes={"type": "integer", "minimum": 5, "maximum": 240, "description": "ignored: the hall's slot length"},
    id_number={"type": ["string", "null"], "maxLength": 18},
    phone={"type": ["string", "null"], "maxLength": 20},
    channel={
        "type": "string",
        "enum": ["hotline", "web", "mobile", "window", "home_visit", "kiosk"],
        "description": "kiosk: only with a kiosk token (the kiosk's 预约办理), and a kiosk books only so",
    },
    place={"type": ["string", "null"], "maxLength": 200},
    visit_reason={
        "type": ["string", "null"],
        "enum": ["elderly", "weak", "sick", "disabled", None],
        "description": "预约上门: 老/弱/病/残",
    },
)
CODE_BODY = obj(("phone_tail",), phone_tail={"type": "string", "pattern": "^[0-9]{4}$"})
RESCHEDULE_BODY = obj(
    ("phone_tail", "slot_start"),
    phone_tail={"type": "string", "pattern": "^[0-9]{4}$"},
    slot_start=local_time("local time, e.g. 2026-11-27T09:30"),
)


def _public_hall(guess: bool = False) -> tuple[int, str | None]:
    """The hall a public request acts on, and who is counted for its limits (None: a staff
    member or device with a token, who is not throttled). ``guess``: the request tries a code
    with a phone tail, and a device token (kiosk, board, pad) is counted by itself there — a
    board's or a pad's token sits in a URL on a screen in the hall, and must not make guessing
    free (the kiosk's own booking and slot lookups stay unthrottled)."""
    p = caller()
    if p is not None:
        return p.hall_id, f"token:{p.token_id}" if guess and p.role in DEVICE_ROLES else None
    return server().services.halls.by_code_or_first(g.get("path_hall")).id, f"addr:{request.remote_addr}"


def _day(value: str | None) -> date:
    if not value:  # never “None” in a Chinese message: the missing parameter is named instead
        raise InvalidInput("field_required", field="date")
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise InvalidInput("invalid_date", value=value) from None


@spec.route(
    bp,
    "/appointments/slots",
    "GET",
    "A day's bookable slots with seats and seats taken, and the bookable matters (the booking page; without "
    "?date= the first day with a free slot; rate-limited per address)",
    public=True,
    query={**DATE_QUERY, "matter_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
    responses={200: "OK", 400: "Bad date", 404: "Unknown matter", 409: "Matter not bookable", 429: "Too many"},
    tag="appointments",
)
def appointment_slots():
    hall_id, client = _public_hall()
    q = query()
    day = _day(q["date"]) if q.get("date") else None
    return jsonify(server().appointments.slots(hall_id, day, q.get("matter_id"), client))


@spec.route(
    bp,
    "/appointments",
    "POST",
    "Book an appointment (预约办理 / 预约上门); returns its check-in code. Without a staff token only "
    'channel "web" (the booking page), rate-limited per address and per phone',
    public=True,
    body=BOOK_BODY,
    responses={
        201: "Booked",
        400: "Invalid input",
        401: "This channel needs a staff token",
        404: "Unknown matter",
        409: "Refused: slot full (slot_full), outside hours, booking closed",
        429: "Too many bookings",
    },
    tag="appointments",
)
def book_appointment():
    d = body()
    p = caller()
    kiosk = p is not None and p.role == "kiosk"
    channel = d.get("channel", "web" if p is None else "kiosk" if kiosk else "hotline")
    if kiosk and channel != "kiosk":
        raise Unauthorized("booking_channel_needs_staff")
    if channel == "kiosk" and not kiosk:
        raise Unauthorized("booking_channel_needs_kiosk")
    if channel not in ("web", "kiosk") and (p is None or p.role not in STAFF):
        raise Unauthorized("booking_channel_needs_staff")
    hall_id, client = _public_hall()
    view = server().appointments.book(
        hall_id,
        BookingRequest(
            matter_id=d.get("matter_id"),
            resident_name=d["resident_name"],
            slot_start=local_datetime(d["slot_start"], "slot_start"),
            id_number=d.get("id_number"),
            phone=d.get("phone"),
            channel=channel,
            place=d.get("place"),
            visit_reason=d.get("visit_reason"),
        ),
        client,
    )
    return jsonify(view), 201


@spec.route(
    bp,
    "/appointments",
    "GET",
    "A day's appointments (?date=YYYY-MM-DD), by slot",
    roles=STAFF,
    query=DATE_QUERY,
    responses=responses(E400, E403),
    tag="appointments",
)
def list_appointments():
    return jsonify(server().appointments.day_list(principal().hall_id, _day(query().get("date"))))


@spec.route(
    bp,
    "/appointments/<code>/cancel",
    "POST",
    "Cancel an appointment with its code and the last 4 digits of the phone (throttled per address)",
    public=True,
    body=CODE_BODY,
    responses={
        200: "Cancelled",
        400: "Invalid input",
        404: "Unknown code or wrong digits",
        409: "Not changeable",
        429: "Too many tries",
    },
    tag="appointments",
)
def cancel_appointment(code: str):
    hall_id, client = _public_hall(guess=True)
    return jsonify(server().booking_changes.cancel(hall_id, code, body()["phone_tail"], client))


@spec.route(
    bp,
    "/appointments/<code>/lookup",
    "POST",
    "An appointment's status with its code and the last 4 digits of the phone (the booking page; a booking "
    "the hall cancelled shows why; throttled per address)",
    public=True,
    body=CODE_BODY,
    responses={200: "OK", 400: "Invalid input", 404: "Unknown code or wrong digits", 429: "Too many tries"},
    tag="appointments",
)
def lookup_appointment(code: str):
    hall_id, client = _public_hall(guess=True)
    return jsonify(server().booking_changes.lookup(hall_id, code, body()["phone_tail"], client))


@spec.route(
    bp,
    "/appointments/<code>/reschedule",
    "POST",
    "Move an appointment to another slot (code + last 4 digits of the phone); a full slot changes nothing",
    public=True,
    body=RESCHEDULE_BODY,
    responses={
        200: "Moved",
        400: "Invalid input",
        404: "Unknown code or wrong digits",
        409: "Slot full or not changeable",
        429: "Too many tries",
    },
    tag="appointments",
)
def reschedule_appointment(code: str):
    hall_id, client = _public_hall(guess=True)
    d = body()
    view = server().booking_changes.reschedule(
        hall_id, code, d["phone_tail"], local_datetime(d["slot_start"], "slot_start"), client
    )
    return jsonify(view)


@spec.route(
    bp,
    "/appointments/<code>",
    "GET",
    "An appointment by its code",
    roles=("kiosk",) + STAFF,
    responses=responses(E404),
    tag="appointments",
)
def get_appointment(code: str):
    return jsonify(server().appointments.get(principal().hall_id, code))


# --- the SMS code of a web or phone booking ---------------------------------------------------
CONFIRM_BODY = obj(
    ("sms_code",),
    sms_code={"type": "string", "maxLength": 12, "description": "the 6-digit code texted to the booking's phone"},
)


@spec.route(
    bp,
    "/appointments/<code>/confirm",
    "POST",
    "Confirm a web or phone booking with the SMS code sent to its phone: the held seat becomes the "
    "resident's (throttled per address; 5 wrong codes end the hold)",
    public=True,
    body=CONFIRM_BODY,
    responses={
        200: "Booked",
        400: "Wrong or malformed code",
        404: "Unknown code",
        409: "Not held any more (tries used up, hold over and the slot full)",
        429: "Too many tries",
    },
    tag="appointments",
)
def confirm_appointment(code: str):
    hall_id, client = _public_hall(guess=True)
    return jsonify(server().appointments.confirm(hall_id, code, body()["sms_code"], client))


# --- bookings the supervisor lists, then releases by the codes seen ----------------------------
Listing = tuple[str, str, str, Callable[[Principal], Any]]  # endpoint, path, summary, service call
Release = tuple[str, str, str, Callable[[Principal, list[str]], Any]]


def _listed_then_released(listing: Listing, release: Release, code_length: int, outcome: str, changed: str) -> None:
    """A GET that lists bookings for the supervisor and a POST that acts on the codes the
    supervisor saw there — only those: a code whose booking changed meanwhile refuses (409)."""
    (list_name, list_path, list_summary, list_call), (act_name, act_path, act_summary, act_call) = listing, release

    def listed():
        return jsonify(list_call(principal()))

    def released():
        return jsonify(act_call(principal(), body()["codes"]))

    listed.__name__, released.__name__ = list_name, act_name
    spec.route(bp, list_path, "GET", list_summary, roles=SUPERVISORS, responses=responses(E403), tag="appointments")(
        listed
    )
    codes = {
        "type": "array",
        "items": {"type": "string", "minLength": 1, "maxLength": code_length},
        "minItems": 1,
        "maxItems": 500,
        "description": f"the codes the supervisor saw in GET {list_path}: only these are {outcome}",
    }
    spec.route(
        bp,
        act_path,
        "POST",
        act_summary,
        roles=SUPERVISORS,
        body=obj(("codes",), codes=codes),
        responses=responses(E400, E403, (409, changed)),
        tag="appointments",
    )(released)


_listed_then_released(
    (
        "list_stranded_appointments",
        "/appointments/stranded",
        "Bookings still to come that the hall's current hours, windows and seats (hall file and calendar) have "
        "no seat for: time, masked name, code, why (supervisors)",
        lambda p: server().stranded.listing(p),
    ),
    (
        "cancel_stranded_appointments",
        "/appointments/stranded/cancel-and-notify",
        "Cancel for the hall the stranded bookings whose codes are given (the list the supervisor saw) and text "
        "each resident the /book link to pick a new slot (not counted as a no-show)",
        lambda p, codes: server().stranded.cancel_and_notify(p, codes, booking_page_url()),
    ),
    code_length=32,
    outcome="cancelled",
    changed="A code is no longer stranded: list again",
)
_listed_then_released(
    (
        "suspect_appointments",
        "/appointments/suspect",
        "Seats still to come that look like hoarding: many from one address, phones that differ only in their "
        "last two digits, holds waiting for their SMS code (masked; supervisors)",
        lambda p: server().booking_watch.suspects(p),
    ),
    (
        "release_appointments",
        "/appointments/release",
        "Release the bookings whose codes are given (from GET /appointments/suspect): their seats go back, a "
        "confirmed phone is told; all or nothing",
        lambda p, codes: server().booking_watch.release(p, codes),
    ),
    code_length=16,
    outcome="released",
    changed="A code no longer holds a seat: list again",
)
