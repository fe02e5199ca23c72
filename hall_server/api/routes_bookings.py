"""Booking safeguards over HTTP: the SMS code that confirms a web or phone booking, and the
supervisor's view of bookings that look like hoarding, with their release."""

from __future__ import annotations

from flask import jsonify

from .context import body, principal, server
from .declarations import E400, E403, bp, responses, spec
from .routes import _public_hall
from .spec import obj

CONFIRM_BODY = obj(
    ("sms_code",),
    sms_code={"type": "string", "maxLength": 12, "description": "the 6-digit code texted to the booking's phone"},
)
RELEASE_BODY = obj(
    ("codes",),
    codes={
        "type": "array",
        "items": {"type": "string", "minLength": 1, "maxLength": 16},
        "minItems": 1,
        "maxItems": 500,
        "description": "the codes the supervisor saw in GET /appointments/suspect: only these are released",
    },
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


@spec.route(
    bp,
    "/appointments/suspect",
    "GET",
    "Seats still to come that look like hoarding: many from one address, phones that differ only in their "
    "last two digits, holds waiting for their SMS code (masked; supervisors)",
    roles=("supervisor", "admin"),
    responses=responses(E403),
    tag="appointments",
)
def suspect_appointments():
    return jsonify(server().booking_watch.suspects(principal()))


@spec.route(
    bp,
    "/appointments/release",
    "POST",
    "Release the bookings whose codes are given (from GET /appointments/suspect): their seats go back, a "
    "confirmed phone is told; all or nothing",
    roles=("supervisor", "admin"),
    body=RELEASE_BODY,
    responses=responses(E400, E403, (409, "A code no longer holds a seat: list again")),
    tag="appointments",
)
def release_appointments():
    return jsonify(server().booking_watch.release(principal(), body()["codes"]))
