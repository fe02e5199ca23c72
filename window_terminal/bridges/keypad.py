"""Caller keypads (叫号器) → the window API; the window's current number and lamp → the keypad.

Key presses arrive on the bus thread; they are queued and sent to the server by one worker
thread, in order, so a slow network never stalls the serial line and two presses are never
reordered. What the keypad shows always comes from the server (its answer, or window.status
events from the terminal and the supervisor), so keypad and terminal can be used side by side.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from hall_common.device_status import SerialDeviceReporter
from hall_common.hall_errors import HallError, HallStatusError
from hall_common.hall_http import HallHttp
from hall_common.i18n import message
from hardware.serial_devices import CallerKeypadDriver, KeyEvent, KeypadKey, SerialBus, StatusLight

from .events import EventFollower

log = logging.getLogger(__name__)

ENDPOINT = {
    KeypadKey.CALL_NEXT: "call-next",
    KeypadKey.RECALL: "recall",
    KeypadKey.START_SERVICE: "start",
    KeypadKey.FINISH: "finish",
    KeypadKey.NO_SHOW: "no-show",
    KeypadKey.PAUSE: "pause",
    KeypadKey.RESUME: "resume-window",
    KeypadKey.TRANSFER: "transfer",
}

WATCHED = (
    "window.status",
    "ticket.called",
    "ticket.recalled",
    "ticket.started",
    "ticket.finished",
    "ticket.no_show",
    "ticket.held",
    "ticket.resumed",
    "ticket.transferred",
    "ticket.cancelled",
)


def keypad_display(window: dict[str, Any]) -> tuple[str, StatusLight]:
    """What a keypad shows for a window view: number (≤ 4 characters) and lamp colour."""
    number = (window.get("current_number") or "")[-4:]
    if window.get("status") != "open" or window.get("staff") is None:
        return number, StatusLight.RED
    if window.get("current_state") == "called":
        return number, StatusLight.YELLOW
    return number, StatusLight.GREEN


class KeypadBridge:
    def __init__(self, server: str, token: str, bus: SerialBus, mapping: dict[int, int]) -> None:
        """mapping: keypad address → window number. The token must be allowed to act on those
        windows (a clerk token of that window, or a supervisor's)."""
        self.server = server.rstrip("/")
        self.http = HallHttp(server, token)
        self.devices = SerialDeviceReporter(self.http, bus.port_name)
        self.bus = bus
        self.mapping = dict(mapping)
        self.by_window = {w: a for a, w in self.mapping.items()}
        self.drivers = {
            a: CallerKeypadDriver(bus, a, on_key=self._on_key, on_online=self._on_online) for a in self.mapping
        }
        self._keys: queue.Queue[tuple[int, KeyEvent] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="keypad-bridge", daemon=True)
        self.follower = EventFollower(
            self.server, token, self._on_event, {"types": ",".join(WATCHED)}, on_connect=self.sync
        )
        self.errors: list[str] = []  # the last refusals, for logs and tests

    def start(self) -> KeypadBridge:
        self._worker.start()
        self.bus.start()
        self.follower.start()
        return self

    def stop(self) -> None:
        self.follower.stop()
        self._keys.put(None)
        self._worker.join(5)
        self.bus.stop()
        self.devices.close()
        self.http.close()

    def sync(self) -> None:
        """Show every mapped window's current state (at start and after a reconnect)."""
        for w in self.http.get("/windows")["windows"]:
            self._show(w)

    def _show(self, window: dict[str, Any]) -> None:
        address = self.by_window.get(window["number"])
        if address is None:
            return
        number, light = keypad_display(window)
        driver = self.drivers[address]
        driver.show_number(number)
        driver.set_light(light)

    def _on_event(self, type_: str, data: dict) -> None:
        if type_ == "window.status":
            self._show(data["window_status"])
        else:
            # A ticket event names its window only while the ticket is at one (a transfer
            # clears it), so ask for the windows again rather than guess.
            self.sync()

    def _on_key(self, address: int, event: KeyEvent) -> None:
        self._keys.put((address, event))  # on the bus thread: hand over and return at once

    def _on_online(self, address: int, online: bool) -> None:
        self.devices.online(f"window-{self.mapping[address]}/keypad", "keypad", address, online)

    def _work(self) -> None:
        while (item := self._keys.get()) is not None:
            address, event = item
            try:
                self._press(self.mapping[address], event)
            except HallError as exc:
                log.warning("key %s not delivered: %s", event.key.value, exc)

    def _press(self, window: int, event: KeyEvent) -> None:
        endpoint = ENDPOINT.get(event.key)
        if endpoint is None:
            return  # EVALUATE: the pad asks by itself when the service is finished
        body: dict[str, Any] | None = None
        if event.key is KeypadKey.PAUSE:
            body = {"reason": message("terminal.keypad_pause_reason")}
        elif event.key is KeypadKey.TRANSFER:
            body = {"to": "window", "window": event.argument} if event.argument else {"to": "line"}
        try:
            self.http.post(f"/windows/{window}/{endpoint}", body)
        except HallStatusError as exc:
            self.errors.append(exc.text)
            log.warning("window %s %s refused: %s", window, endpoint, exc.text)
            self.drivers[self.by_window[window]].set_light(StatusLight.RED)
            self.sync()
