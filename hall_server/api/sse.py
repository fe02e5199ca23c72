"""GET /api/v1/events: Server-Sent Events with replay from Last-Event-ID.

Subscribe first, then replay from the database up to the broker's position, then
stream live events, dropping any id already sent: nothing is missed between replay
and live, nothing is sent twice, and order is by id.
"""

from __future__ import annotations

import queue

from flask import Response, request

from ..core.errors import Forbidden, InvalidInput
from ..services.event_log import EVENT_TYPES, events_after
from .context import principal, server
from .routes import ANY_DEVICE, bp, responses, spec

REPLAY_BATCH = 500
# The pages' toolkit subscribes to every type listed here (EventSource needs each name).
spec.schemas["EventType"] = {"type": "string", "enum": list(EVENT_TYPES)}


@spec.route(
    bp,
    "/events",
    "GET",
    "Live events (SSE). Last-Event-ID header or ?last_event_id= replays what was missed; "
    "?window=N and ?types=a,b filter",
    roles=ANY_DEVICE,
    streaming=True,
    responses=responses((400, "Bad filter"), (403, "A pad asking for another window")),
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
    if p.role == "pad":
        # A pad hears only its own window (its token sits on a public counter).
        if window is not None and window != p.window_number:
            raise Forbidden("pad_other_window", window=window, own=p.window_number)
        window = p.window_number
    sub, position = srv.broker.subscribe(p.hall_id, window, types)
    heartbeat = srv.heartbeat_seconds

    def stream():
        sent = position if last is None else last
        try:
            yield f"retry: 2000\n: connected, hall {p.hall_id}, from {sent}\n\n"
            while last is not None and sent < position:
                with srv.db.read() as conn:
                    batch = events_after(conn, sent, REPLAY_BATCH, hall_id=p.hall_id)
                batch = [e for e in batch if e.id <= position]
                if not batch:
                    break
                for e in batch:
                    if sub.wants(e):
                        yield e.sse
                sent = batch[-1].id
            sent = max(sent, position)
            while not srv.broker.stopped:
                try:
                    e = sub.queue.get(timeout=heartbeat)
                except queue.Empty:
                    yield ": keep-alive\n\n"
                    continue
                if e is None:  # broker stopping, or this subscriber fell too far behind
                    return
                if e.id > sent:
                    sent = e.id
                    yield e.sse
        finally:
            srv.broker.unsubscribe(sub)

    return Response(
        stream(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"},
    )
