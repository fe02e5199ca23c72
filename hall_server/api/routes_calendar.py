"""The hall's local calendar: working-day, holiday and 节假日受理 duty-day overrides."""

from __future__ import annotations

from datetime import date

from flask import jsonify

from ..core.errors import InvalidInput
from .context import body, principal, server
from .declarations import E400, E403, booking_page_url, bp, responses, spec
from .spec import obj
from .validation import day


@spec.route(
    bp,
    "/calendar/overrides",
    "GET",
    "The hall's local working-day overrides",
    roles=("supervisor", "admin"),
    responses=responses(E403),
    tag="calendar",
)
def list_overrides():
    return jsonify({"overrides": server().overview.overrides(principal())})


OVERRIDE_BODY = obj(
    ("kind",),
    kind={"type": ["string", "null"], "enum": ["workday", "holiday", "duty", None]},
    note={"type": "string", "maxLength": 100},
    # kind "duty" (节假日受理) only; the service checks the ranges and windows against the hall.
    hours={
        "type": "array",
        "items": {"type": "string", "maxLength": 40},
        "maxItems": 20,
        "examples": [["09:00-11:30"]],
    },
    windows={"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 9999}, "maxItems": 50},
    appointment_only={"type": "boolean"},
    affected_bookings={
        "type": "string",
        "enum": ["cancel_and_notify"],
        "description": "confirms a change that leaves bookings of the day without a seat: the hall cancels "
        "them and each resident gets an SMS with the /book link to pick a new slot (without it: 409 and the list)",
    },
)


@spec.route(
    bp,
    "/calendar/overrides/<day>",
    "PUT",
    "Mark a date a working day, a holiday (调休, 值班日) or a 节假日受理 duty day with its own hours, windows "
    "and appointment_only (kind duty); kind null removes the entry",
    roles=("supervisor", "admin"),
    body=OVERRIDE_BODY,
    path_params={"day": day("the day, YYYY-MM-DD", "2026-12-01")},
    responses=responses(E400, E403, (409, "Bookings of the day would lose their seat; details.affected lists them")),
    tag="calendar",
)
def put_override(day: str):
    p = principal()
    d = body()
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("invalid_date", value=day) from None
    return jsonify(
        server().overview.set_override(
            p,
            when,
            d.get("kind"),
            d.get("note", ""),
            hours=d.get("hours"),
            windows=d.get("windows"),
            appointment_only=d.get("appointment_only"),
            affected_bookings=d.get("affected_bookings"),
            book_url=booking_page_url(),
        )
    )
