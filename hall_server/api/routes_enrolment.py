"""Devices join the hall with a supervisor's one-time code, and leave it when revoked.

The redemption is public (the device has no token yet); what it guesses is counted by the
enrolment service. The fleet itself is listed with the peripherals' states (GET /devices)."""

from __future__ import annotations

from flask import g, jsonify, request

from ..services.enrolment import ENROL_ROLES
from .context import body, principal, server
from .declarations import E400, E403, E404, E409, SUPERVISORS, bp, responses, spec
from .spec import obj

CODE_BODY = obj(
    ("role", "name"),
    role={
        "type": "string",
        "enum": list(ENROL_ROLES),
        "description": "kiosk; board (lobby screen, announcer, LED-bar bridge); pad (a window's rating pad or "
        "pad bridge); clerk (a window's keypad bridge)",
    },
    name={"type": "string", "minLength": 1, "maxLength": 50, "examples": ["大厅1号取号机"]},
    window={"type": ["integer", "null"], "minimum": 1, "maximum": 999, "description": "pad and clerk: the window"},
)
REDEEM_BODY = obj(
    ("code",),
    code={"type": "string", "minLength": 1, "maxLength": 20, "description": "8 digits; blanks and dashes ignored"},
    version={"type": "string", "maxLength": 40, "description": "the device's yichuang version"},
)


@spec.route(
    bp,
    "/enrolment-codes",
    "POST",
    "A one-time code (8 digits, 30 minutes) for a new device of the given name, role and window",
    roles=SUPERVISORS,
    body=CODE_BODY,
    responses=responses(E400, E403, E409, ok=(201, "The code, shown this once, and the waiting device")),
    tag="devices",
)
def create_enrolment_code():
    d = body()
    return jsonify(server().enrolment.create_code(principal(), d["role"], d["name"], d.get("window"))), 201


@spec.route(
    bp,
    "/enrolment",
    "POST",
    "A device exchanges its enrolment code for its own token (shown this once; guesses rate-limited)",
    public=True,
    body=REDEEM_BODY,
    responses=responses(E400, E404, E409, (429, "Too many tries")),
    tag="devices",
)
def redeem_enrolment_code():
    d = body()
    hall_id = server().services.halls.by_code_or_first(g.get("path_hall")).id
    client = f"addr:{request.remote_addr}"
    return jsonify(server().enrolment.redeem(hall_id, d["code"], client, d.get("version", "")))


@spec.route(
    bp,
    "/devices/enrolled/<int:device_id>/revoke",
    "POST",
    "Revoke an enrolled device (its token stops at once) or its unused code",
    roles=SUPERVISORS,
    responses=responses(E403, E404, E409),
    tag="devices",
)
def revoke_enrolled_device(device_id: int):
    return jsonify(server().enrolment.revoke(principal(), device_id))
