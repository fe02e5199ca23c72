"""The announcer's report that it has spoken a call: 过号 waits for these."""

from __future__ import annotations

from flask import jsonify

from .context import body, principal, server
from .declarations import E400, E403, E404, bp, responses, spec
from .spec import obj

ANNOUNCEMENT_BODY = obj(
    ("event_id",),
    event_id={"type": "integer", "minimum": 1, "maximum": 2**62},
    device={"type": "string", "maxLength": 100},
)


@spec.route(
    bp,
    "/announcements",
    "POST",
    "The announcer reports a call (ticket.called / ticket.recalled event) it has spoken; 过号 waits for these",
    roles=("board",),
    body=ANNOUNCEMENT_BODY,
    responses=responses(E400, E403, E404),
    tag="windows",
)
def report_announcement():
    d = body()
    return jsonify(server().announcements.record(principal(), d["event_id"], d.get("device", "").strip()[:100]))
