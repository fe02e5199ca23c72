"""Tickets: taking a number, one ticket and its history, cancelling one, and the waiting line."""

from __future__ import annotations

from flask import jsonify, request

from ..core.errors import InvalidInput
from ..services.ticketing import IssueRequest
from .context import body, caller, principal, query, server
from .declarations import ANY_DEVICE, E400, E403, E404, E409, STAFF, bp, responses, spec
from .spec import obj

ISSUE_BODY = obj(
    matter_id={"type": ["integer", "null"], "description": "null or absent: 综合业务, the window decides"},
    priority_group={"type": ["string", "null"], "maxLength": 32},
    appointment_code={"type": ["string", "null"], "maxLength": 16},
    id_number={"type": ["string", "null"], "maxLength": 18, "description": "check in by ID number"},
    accept_late_risk={
        "type": "boolean",
        "description": "the resident accepts that today's windows may not reach the ticket",
    },
    request_id={
        "type": ["string", "null"],
        "maxLength": 64,
        "description": "client-chosen id per tap; a retry with the same id returns the same ticket (200)",
    },
    case_no={
        "type": ["string", "null"],
        "maxLength": 16,
        "description": "return lane (补交材料 / 领取结果): the case number on the notice, with phone_tail",
    },
    phone_tail={"type": ["string", "null"], "maxLength": 4, "description": "last 4 digits of the case's phone"},
)


@spec.route(
    bp,
    "/tickets",
    "POST",
    "Take a number (walk-in, priority group, appointment check-in, or the return lane with case_no + phone_tail)",
    roles=("kiosk", "clerk", "supervisor", "admin"),
    body=ISSUE_BODY,
    responses={
        **responses(E400, E403, E404, E409, ok=(201, "Issued")),
        200: "Already issued for this request_id (a retry): the same ticket",
        429: "Too many return-lane or check-in tries from this device",
    },
    tag="tickets",
)
def issue_ticket():
    p = principal()
    # A slip is a deliberate act: a bare POST (a probe, a replayed request without its body) must
    # not print a 综合业务 number. The kiosk always sends its choice; {} still means 综合业务.
    if not request.get_data(cache=True).strip():
        raise InvalidInput("ticket_body_required")
    data = body()
    view = server().tickets.issue(
        p,
        IssueRequest(
            matter_id=data.get("matter_id"),
            priority_group=data.get("priority_group"),
            appointment_code=data.get("appointment_code"),
            id_number=data.get("id_number"),
            accept_late_risk=bool(data.get("accept_late_risk", False)),
            request_id=data.get("request_id") or None,  # "" is no id, not one shared by every tap
            case_no=data.get("case_no") or None,
            phone_tail=data.get("phone_tail"),
        ),
    )
    return jsonify(view), 200 if view.get("replayed") else 201


@spec.route(
    bp,
    "/tickets/<int:ticket_id>",
    "GET",
    "A ticket with its live position; with ?key= (from the slip's QR) no token is needed",
    roles=ANY_DEVICE,
    query={"key": {"type": "string", "maxLength": 32, "description": "the slip's public key"}},
    key_param="key",
    responses=responses(E404),
    tag="tickets",
)
def get_ticket(ticket_id: int):
    return jsonify(server().tickets.get(caller(), ticket_id, query().get("key")))


@spec.route(
    bp,
    "/tickets/<int:ticket_id>/history",
    "GET",
    "The ticket's state log (every step, with times)",
    roles=STAFF,
    responses=responses(E403, E404),
    tag="tickets",
)
def ticket_history(ticket_id: int):
    return jsonify(server().windows.history(principal(), ticket_id))


@spec.route(
    bp,
    "/tickets/<int:ticket_id>/cancel",
    "POST",
    "Cancel (作废) a ticket, with the reason (supervisor)",
    roles=("supervisor", "admin"),
    body=obj(("reason",), reason={"type": "string", "minLength": 1, "maxLength": 200}),
    responses=responses(E400, E403, E404, E409),
    tag="tickets",
)
def cancel_ticket(ticket_id: int):
    return jsonify(server().windows.cancel(principal(), ticket_id, body()["reason"]))


@spec.route(
    bp,
    "/queue",
    "GET",
    "The whole waiting line in calling order, held tickets, count and by_class (waiting per class of the order)",
    roles=("clerk", "supervisor", "admin", "board"),
    responses=responses(E403),
    tag="tickets",
)
def queue():
    return jsonify(server().windows.line(principal()))
