"""GET /api/v1/events: Server-Sent Events with replay from Last-Event-ID.

Subscribe first, then replay from the database up to the broker's position, then
stream live events, dropping any id already sent: nothing is missed between replay
and live, nothing is sent twice, and order is by id (hall_server/events/stream.py).
"""

from __future__ import annotations

from flask import Response, request

from ..core.errors import InvalidInput
from ..services.event_log import EVENT_TYPES, events_after
from .context import principal, server
from .routes import ANY_DEVICE, bp, responses, spec

REPLAY_BATCH = 500


@spec.route(
    bp,
    "/events",
    "GET",
    "Live events (SSE). Last-Event-ID header or ?last_event_id= replays what was missed; "
    "?window=N and ?types=a,b filter",
    roles=ANY_DEVICE,
    streaming=True,
    responses=responses((400, "Bad filter"), (503, "Too many open event streams (per token or in total); retry later")),
    tag="events",
)
def events():
    p = principal()
    srv = server()
    raw_last = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    try:
        last = int(raw_last) if raw_last not in (None, "") else None
        window = int(request.args["window"]) if request.args.get("window") else None
    except ValueError:
        raise InvalidInput("invalid_event_cursor") from None
    if last is not None and last < 0:
        raise InvalidInput("invalid_event_cursor")
    types = frozenset(t for t in request.args.get("types", "").split(",") if t)
    unknown = types - set(EVENT_TYPES)
    if unknown:
        raise InvalidInput("unknown_event_types", types=", ".join(sorted(unknown)), valid=", ".join(EVENT_TYPES))
    if p.role == "pad" and window is None:
        window = p.window_number  # a pad hears only its own window
    # Streams are capped per token (a leaked board URL must not fill the server) and in total.
    owner = ("token", p.token_id) if p.token_id is not None else ("principal", p.hall_id, p.role, p.label)

    def replay(after: int):
        with srv.db.read() as conn:
            return events_after(conn, after, REPLAY_BATCH, hall_id=p.hall_id)

    stream = srv.broker.open_stream(p.hall_id, window, types, owner, last, srv.heartbeat_seconds, replay)
    # `yichuang serve` finds the stream here and runs it on its event loop (no thread held);
    # a plain WSGI server iterates the response body instead.
    request.environ[stream.ENVIRON_KEY] = stream
    return Response(
        iter(stream),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"},
    )
