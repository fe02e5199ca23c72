"""GET /api/v1/events: Server-Sent Events with replay from Last-Event-ID.

Subscribe first, then replay from the database up to the broker's position, then
stream live events, dropping any id already sent: nothing is missed between replay
and live, nothing is sent twice, and order is by id (hall_server/events/stream.py).
"""

from __future__ import annotations

from flask import Response, jsonify, request

from ..core.errors import Forbidden, InvalidInput
from ..core.event_types import EVENT_TYPES
from ..events.visibility import frame_for
from ..services.event_replay import missed_events
from ..services.tokens import LINK_SECONDS
from .context import principal, query, server
from .declarations import ANY_DEVICE, bp, responses, spec
from .guard import STREAM_LINK_PATH
from .validation import INT_MAX

REPLAY_BATCH = 500
# The pages' toolkit subscribes to every type listed here (EventSource needs each name).
spec.schemas["EventType"] = {"type": "string", "enum": list(EVENT_TYPES)}


@spec.route(
    bp,
    "/events",
    "GET",
    "Live events (SSE). Last-Event-ID header or ?last_event_id= replays what was missed; "
    "?window=N and ?types=a,b filter (no types, or types=*: every type)",
    roles=ANY_DEVICE,
    query={
        "last_event_id": {"type": "integer", "minimum": 0, "maximum": INT_MAX},
        "window": {"type": "integer", "minimum": 0, "maximum": 999},
        "types": {
            "type": "string",
            "maxLength": 1000,
            "description": "comma-separated event types, or * for all: " + ", ".join(EVENT_TYPES),
        },
        "link": {"type": "string", "maxLength": 100, "description": "a stream link from POST /events/link"},
    },
    streaming=True,
    responses=responses(
        (400, "Bad filter"),
        (403, "A pad follows only its own window"),
        (503, "Too many open event streams (per token, per address or in total); retry later"),
    ),
    tag="events",
)
def events():
    p = principal()
    srv = server()
    q = query()
    raw_last = request.headers.get("Last-Event-ID")
    if raw_last:
        if not raw_last.isdigit() or len(raw_last) > 19:
            raise InvalidInput("invalid_event_cursor")
        last: int | None = int(raw_last)
    else:
        last = q.get("last_event_id")
    window = q.get("window")
    requested = q.get("types", "").strip()
    types = frozenset() if requested in ("", "*") else frozenset(t for t in requested.split(",") if t)
    unknown = types - set(EVENT_TYPES)
    if unknown:
        raise InvalidInput("unknown_event_types", types=", ".join(sorted(unknown)), valid=", ".join(EVENT_TYPES))
    if p.role == "pad" and window not in (None, p.window_number):
        raise Forbidden("forbidden_window", window=window, own=p.window_number)
    if p.role == "pad" and window is None:
        window = p.window_number  # a pad hears only its own window
    # Streams are capped per token (a leaked board URL must not fill the server) and in total.
    owner = ("token", p.token_id) if p.token_id is not None else ("principal", p.hall_id, p.role, p.label)

    def replay(after: int):
        return missed_events(srv.services, p.hall_id, after, REPLAY_BATCH)

    stream = srv.broker.open_stream(
        p.hall_id, window, types, owner, last, srv.heartbeat_seconds, replay, address=request.remote_addr
    )
    stream.frame = frame_for(p.role)  # board, kiosk and pad: only the fields their pages show
    # `yichuang serve` finds the stream here and runs it on its event loop (no thread held);
    # a plain WSGI server iterates the response body instead.
    request.environ[stream.ENVIRON_KEY] = stream
    return Response(
        iter(stream),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"},
    )


@spec.route(
    bp,
    "/events/link",
    "POST",
    "A short-lived link (5 minutes) to open the event stream with ?link= instead of the token: "
    "EventSource cannot send headers, and a long-lived token in a URL ends up in proxy logs",
    roles=ANY_DEVICE,
    responses=responses(ok=(200, "The link")),
    tag="events",
)
def events_link():
    return jsonify({"link": server().tokens.sign_link(principal(), STREAM_LINK_PATH), "expires_in": LINK_SECONDS})
