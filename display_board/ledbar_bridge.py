"""Window LED bars (条屏) driven from the hall's events.

Each bar shows its window's current number ("A023 请到3号窗口"), the idle line when the
window has nobody in front of it, or the paused / closed line. On start it shows what
/api/v1/windows says now; afterwards every event keeps it current. The serial side is
``hardware.serial_devices.LedBarDriver`` (which also re-sends the text when a bar that was
unplugged comes back).
"""

from __future__ import annotations

import threading
from typing import Any

from hall_common.i18n import message
from hall_common.sse_client import ServerEvent
from hardware.serial_devices import LedBarDriver

SHOWS_NUMBER = {"ticket.called", "ticket.recalled", "ticket.started", "ticket.resumed"}
LEAVES_WINDOW = {"ticket.finished", "ticket.no_show", "ticket.held", "ticket.transferred", "ticket.cancelled"}


class LedBarBridge:
    def __init__(self, drivers: dict[int, LedBarDriver]) -> None:
        self.drivers = drivers  # window number → its bar
        self._lock = threading.Lock()
        self._number: dict[int, str | None] = {}
        self._state: dict[int, str] = {}
        self._shown: dict[int, str] = {}

    def show_windows(self, windows: list[dict[str, Any]]) -> None:
        for view in windows:
            self._window_status(view)

    def handle(self, event: ServerEvent) -> None:
        data = event.data
        if event.type == "window.status" and data.get("window_status"):
            self._window_status(data["window_status"])
            return
        ticket = data.get("ticket") or {}
        number = ticket.get("number")
        if not number:
            return
        if event.type in SHOWS_NUMBER:
            window = data.get("window") or ticket.get("window_number")
            if window in self.drivers:
                with self._lock:
                    self._number[window] = number
                self._refresh(window)
        elif event.type in LEAVES_WINDOW:
            for window, current in list(self._number.items()):
                if current == number:
                    with self._lock:
                        self._number[window] = None
                    self._refresh(window)

    def _window_status(self, view: dict[str, Any]) -> None:
        window = view.get("number")
        if window not in self.drivers:
            return
        with self._lock:
            self._state[window] = view.get("state") or "serving"
            self._number[window] = view.get("current_number")
        self._refresh(window)

    def text_for(self, window: int) -> str:
        bar = self.drivers[window]
        state, number = self._state.get(window, "serving"), self._number.get(window)
        if state == "paused":
            return message("serial.led_paused", bar.locale, window=window)
        if state == "closed":
            return message("announcer.ledbar_closed", bar.locale, window=window)
        if number:
            return message("serial.led_call", bar.locale, number=number, window=window)
        return message("serial.led_idle", bar.locale, window=window)

    def _refresh(self, window: int) -> None:
        text = self.text_for(window)
        with self._lock:
            if self._shown.get(window) == text:
                return  # a bar redrawn with the same text flickers for nothing
            self._shown[window] = text
        self.drivers[window].show_text(text)
