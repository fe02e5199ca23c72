"""Peripherals' states: what kiosks, pads and bridges report, and the list supervisors see."""

from __future__ import annotations

from flask import jsonify

from .context import body, principal, server
from .declarations import E400, E403, bp, responses, spec
from .spec import obj

DEVICE_BODY = obj(
    ("device", "kind", "state"),
    device={"type": "string", "maxLength": 100, "minLength": 1},
    kind={"type": "string", "maxLength": 32},
    state={"type": "string", "maxLength": 32},
    detail={"type": "string", "maxLength": 500},
    version={"type": "string", "maxLength": 40, "description": "the reporting device's yichuang version"},
)


@spec.route(
    bp,
    "/devices/status",
    "POST",
    "A kiosk, pad or bridge reports a peripheral's state (e.g. printer paper_out)",
    roles=("kiosk", "pad", "board", "clerk", "supervisor", "admin"),
    body=DEVICE_BODY,
    responses=responses(E400, E403),
    tag="devices",
)
def report_device():
    d = body()
    p = principal()
    view = server().devices.report(p, d["device"], d["kind"], d["state"], d.get("detail", ""), d.get("version", ""))
    return jsonify(view)


@spec.route(
    bp,
    "/devices",
    "GET",
    "Every peripheral's last reported state (supervisors see problems), and the enrolled devices (fleet): "
    "name, role, window, version, last contact, their peripherals",
    roles=("supervisor", "admin"),
    responses=responses(E403),
    tag="devices",
)
def list_devices():
    p = principal()
    return jsonify({"devices": server().devices.list(p), "fleet": server().enrolment.fleet(p)})
