"""What each public device may receive of the event stream: the fields its page shows, no more.

Board, kiosk and pad tokens sit in plain sight (the board's in the TV's URL, the pad on a tablet
at the counter), so their streams carry no rating level, no phone, no resident's or applicant's
name, no case, follow-up or appeal: an outside test read every rating's level and masked phone
on a board token's stream. Staff streams (clerk, back office, supervisor, admin) get every field,
as their pages need them.

Each public role lists the event types it receives and, per type, the fields kept (a whitelist:
a field added to an event later stays out of the public streams until it is listed here):
- board (and the announcer and LED bars on its token): calls and the line (ticket number,
  window), the windows' state with the staff on duty (亮牌服务: name, staff number, photo, post,
  as the board shows them), the hall's open state;
- kiosk: the hall's open state and the line's length (its 取号 screen);
- pad: its own window's calls and finishes and window state (a refresh trigger), and of a rating
  at its window only the ticket and whether it was bad (the pad's thank-you line differs).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..core.event_types import TICKET_EVENT
from ..storage.event_log import StoredEvent

PUBLIC_ROLES = ("board", "kiosk", "pad")
Frame = Callable[[StoredEvent], "str | None"]

# The ticket as the public pages use it: the number on the board, the window it goes to.
_TICKET = ("id", "number", "state", "window_number", "target_window", "matter_id", "matter_name", "call_count")
_STAFF = ("name", "staff_no", "photo_url", "post")
_WINDOW = ("number", "name", "state", "status", "pause_reason", "on_duty", "current_number", "current_state")


def _pick(d: Any, keys: tuple[str, ...]) -> dict[str, Any] | None:
    return {k: d[k] for k in keys if k in d} if isinstance(d, dict) else None


def _ticket(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"ticket": _pick(data.get("ticket"), _TICKET)}
    for k in ("waiting", "text"):
        if k in data:
            out[k] = data[k]
    return out


def _window(with_staff: bool) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def view(data: dict[str, Any]) -> dict[str, Any]:
        w = _pick(data.get("window_status"), _WINDOW) or {}
        if with_staff:
            w["staff"] = _pick((data.get("window_status") or {}).get("staff"), _STAFF)
        return {"window_status": w}

    return view


def _hall(data: dict[str, Any]) -> dict[str, Any]:
    return {"hall_status": data.get("hall_status")}


def _rating(data: dict[str, Any]) -> dict[str, Any]:
    r = data.get("rating") or {}
    return {"rating": {"ticket_id": r.get("ticket_id"), "bad": r.get("bad")}}


View = Callable[[dict[str, Any]], dict[str, Any]]
_TICKETS: dict[str, View] = dict.fromkeys(TICKET_EVENT.values(), _ticket)
PUBLIC_VIEWS: dict[str, dict[str, View]] = {
    "board": {**_TICKETS, "window.status": _window(True), "hall.status": _hall},
    "kiosk": {**_TICKETS, "hall.status": _hall},
    "pad": {**_TICKETS, "window.status": _window(False), "hall.status": _hall, "rating.recorded": _rating},
}


def frame_for(role: str) -> Frame:
    """The SSE frame a stream of ``role`` sends for an event (None: nothing, the event is skipped)."""
    if role not in PUBLIC_VIEWS:
        return _whole
    return lambda e: _public_frame(e, role)


def _whole(e: StoredEvent) -> str:
    return e.sse


def public_data(e: StoredEvent, role: str) -> dict[str, Any] | None:
    """The event as ``role`` receives it, or None when that role receives none of it."""
    view = PUBLIC_VIEWS[role].get(e.type)
    if view is None:
        return None
    return {"id": e.id, "type": e.type, "at": e.occurred_at.isoformat(), "window": e.window_number, **view(e.data)}


def _public_frame(e: StoredEvent, role: str) -> str | None:
    # Built once per event and role, however many boards receive it (the broker hands every
    # subscriber the same event object; a dict write is atomic under the GIL, and a race only
    # builds the same frame twice).
    if role not in e.role_frames:
        data = public_data(e, role)
        e.role_frames[role] = None if data is None else f"id: {e.id}\nevent: {e.type}\ndata: {_json(data)}\n\n"
    return e.role_frames[role]


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
