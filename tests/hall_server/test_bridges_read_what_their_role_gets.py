"""The devices on public tokens (announcer and LED bars on the board's, the serial pad on the
pad's) read only fields their role's event stream carries.

The streams of public roles are cut to a whitelist (events/visibility.py). A bridge written
against the staff stream reads a field the whitelist drops and breaks on the hall floor only
(the serial pad bridge once read a rating's ticket number, which the pad is not sent). Here each
bridge is fed a real day's events as its role receives them, and any read of a field the full
event has but the role's view lacks fails the test, naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest

from display_board.announcer import AnnouncementLog, Announcer, Player
from display_board.ledbar_bridge import LedBarBridge
from display_board.voices import ClipVoice
from hall_common.sse_client import ServerClock, ServerEvent
from hall_server.events.visibility import public_data
from hall_server.storage.event_log import events_after
from hardware.serial_devices import SerialBus
from tests.support.announced import hear_all_calls
from tests.support.serial_pty import FAST_BUS, PtyPair
from window_terminal.bridges import PadBridge


class RoleView(dict):
    """An event as a role receives it; reading a field the role was not sent fails."""

    def __init__(self, view: dict[str, Any], full: dict[str, Any], where: str) -> None:
        super().__init__(
            {k: RoleView(v, full.get(k) or {}, f"{where}.{k}") if isinstance(v, dict) else v for k, v in view.items()}
        )
        self._full, self._where = full, where

    def _check(self, key: str) -> None:
        if key not in self and key in self._full:
            raise AssertionError(f"reads {self._where}.{key}, which its role's stream does not carry")

    def __getitem__(self, key: str) -> Any:
        self._check(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._check(key)
        return super().get(key, default)


def _full(e) -> dict[str, Any]:
    return {"id": e.id, "type": e.type, "at": e.occurred_at.isoformat(), "window": e.window_number, **e.data}


@pytest.fixture
def day_of_events(live_hall):
    """Calls, a recall, a finish, a pad rating, a pause: the events a window makes in a day."""
    kiosk, clerk, pad = live_hall.client("kiosk"), live_hall.client("clerk-1"), live_hall.client("pad-1")
    ticket = kiosk.post("/tickets", json={}).json()
    kiosk.post("/tickets", json={}).raise_for_status()
    clerk.post("/windows/1/call-next").raise_for_status()
    clerk.post("/windows/1/recall").raise_for_status()
    hear_all_calls(live_hall.server, live_hall.hall_id)
    clerk.post("/windows/1/start").raise_for_status()
    clerk.post("/windows/1/finish").raise_for_status()
    pad.post("/pads/1/rating", json={"ticket_id": ticket["id"], "level": 2}).raise_for_status()
    clerk.post("/windows/1/call-next").raise_for_status()
    clerk.post("/windows/1/pause", json={"reason": "参加会议"})
    with live_hall.server.db.read() as conn:
        events = events_after(conn, 0, hall_id=live_hall.hall_id)
    types = {e.type for e in events}
    assert {"ticket.called", "ticket.recalled", "ticket.finished", "rating.recorded", "window.status"} <= types
    return events


def _as_role(events, role: str) -> list[ServerEvent]:
    out = []
    for e in events:
        view = public_data(e, role)
        if view is not None:
            out.append(ServerEvent(e.id, e.type, RoleView(view, _full(e), e.type)))
    return out


class _Bar:
    locale = "zh_CN"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def show_text(self, text: str) -> None:
        self.texts.append(text)


def test_announcer_and_led_bars_read_only_what_the_board_token_receives(day_of_events, tmp_path):
    bars = {n: _Bar() for n in (1, 2, 3)}
    led = LedBarBridge(bars)  # type: ignore[arg-type]
    announcer = Announcer(ClipVoice(tmp_path), Player(tmp_path, pace=0), AnnouncementLog(None), ServerClock())
    said = []
    for event in _as_role(day_of_events, "board"):
        led.handle(event)
        said.append(announcer.handle(event))
    assert sum(a is not None for a in said) == 3  # two calls and a recall, from the board's view alone
    assert bars[1].texts  # the bar followed window 1


def test_serial_pad_reads_only_what_the_pad_token_receives(day_of_events, live_hall, tmp_path):
    pair = PtyPair(tmp_path)
    pair.plug()
    bridge = PadBridge(live_hall.base_url, live_hall.tokens["pad-1"], SerialBus(pair.host, [3], **FAST_BUS), 3, 1)
    try:
        rated = next(e for e in day_of_events if e.type == "rating.recorded")
        bridge._prompted = {"A001": rated.data["rating"]["ticket_id"]}  # as when the pad asked for it
        for event in _as_role(day_of_events, "pad"):
            if event.type == "rating.recorded":  # ticket.finished asks the server again (sync): not a read
                bridge._on_event(event.type, event.data)
        assert bridge._prompted == {}  # the rating was recognised as the one the pad was asking for
    finally:
        bridge.http.close()
        pair.unplug()
