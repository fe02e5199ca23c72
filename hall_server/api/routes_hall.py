"""The service's own routes (liveness, this API's OpenAPI document) and the hall as every device sees it."""

from __future__ import annotations

from flask import jsonify, request

from ..core.event_types import EVENT_TYPES
from .context import locale, principal, server
from .declarations import ANY_DEVICE, API_VERSION, bp, responses, spec


@spec.route(
    bp,
    "/health",
    "GET",
    "Liveness and database check",
    public=True,
    tag="service",
    responses={200: "Healthy; `time` in the hall's zone (+08:00), as every other time", 503: "Database unreachable"},
)
def health():
    view, ok = server().health.check(API_VERSION)
    return jsonify(view), 200 if ok else 503


@spec.route(bp, "/openapi.json", "GET", "This OpenAPI document", public=True, tag="service")
def openapi():
    return jsonify(spec.document(request.path.rsplit("/openapi.json", 1)[0]))


@spec.route(
    bp,
    "/hall",
    "GET",
    "The hall: name, open state, today's hours, windows, priority groups",
    roles=ANY_DEVICE,
    responses=responses(),
)
def hall():
    # event_types: what /events can send, so pages subscribe from the server's list, not a copy.
    return jsonify({**server().overview.view(principal(), locale()), "event_types": list(EVENT_TYPES)})
