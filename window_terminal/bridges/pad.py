"""A serial evaluation pad (评价器) at a window: prompted when the window finishes a service,
its key press recorded through the same rating API as the touch pad (一次一评 still holds:
whichever pad the resident uses first wins, the other goes back to idle)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from hall_common.device_status import SerialDeviceReporter
from hall_common.hall_errors import HallStatusError, HallUnavailable
from hall_common.hall_http import HallHttp
from hardware.serial_devices import EvaluationPadDriver, RatingEvent, SerialBus

from .events import EventFollower

log = logging.getLogger(__name__)
THANKS_SECONDS = 3.0


class PadBridge:
    def __init__(
        self, server: str, token: str, bus: SerialBus, address: int, window: int, thanks_seconds: float = THANKS_SECONDS
    ) -> None:
        """token: the pad token of ``window`` (role pad, bound to that window)."""
        self.server = server.rstrip("/")
        self.http = HallHttp(server, token)
        self.devices = SerialDeviceReporter(self.http, bus.port_name)
        self.bus = bus
        self.window = window
        self.thanks_seconds = thanks_seconds
        self.driver = EvaluationPadDriver(bus, address, on_rating=self._on_rating, on_online=self._on_online)
        self.follower = EventFollower(
            self.server,
            token,
            self._on_event,
            {"window": str(window), "types": "ticket.finished,rating.recorded"},
            on_connect=self.sync,
        )
        self._lock = threading.Lock()
        self._prompted: dict[str, int] = {}  # ticket number shown on the pad → ticket id
        self._timer: threading.Timer | None = None
        self.errors: list[str] = []

    def start(self) -> PadBridge:
        self.bus.start()
        self.follower.start()
        return self

    def stop(self) -> None:
        self.follower.stop()
        self._cancel_timer()
        self.bus.stop()
        self.devices.close()
        self.http.close()

    def sync(self) -> None:
        """Ask again for a service still awaiting a rating (at start, after a reconnect)."""
        state = self.http.get(f"/pads/{self.window}/state")
        pending = state.get("pending")
        if pending:
            self._prompt(pending["number"], pending["ticket_id"], state["rate_within_seconds"])
        else:
            with self._lock:
                self._prompted.clear()
            self.driver.idle()

    def _on_event(self, type_: str, data: dict[str, Any]) -> None:
        if type_ == "ticket.finished":
            self.sync()  # the server decides whether it is still open for rating
        elif type_ == "rating.recorded":
            # The pad's stream carries of a rating only its ticket id and whether it was bad
            # (events/visibility.py): match the prompt by ticket, not by number.
            ticket_id = (data.get("rating") or {}).get("ticket_id")
            with self._lock:
                mine = ticket_id is not None and ticket_id in self._prompted.values()
                if mine:
                    self._prompted.clear()
            if mine:  # rated on the touch pad or elsewhere: stop asking here
                self.driver.idle()

    def _prompt(self, number: str, ticket_id: int, seconds: int) -> None:
        with self._lock:
            self._prompted = {number: ticket_id}
        self.driver.prompt(number)
        self._later(seconds, self._expire, number)

    def _expire(self, number: str) -> None:
        with self._lock:
            if self._prompted.pop(number, None) is None:
                return
        self.driver.idle()

    def _on_rating(self, address: int, event: RatingEvent) -> None:
        # On the bus thread: the HTTP call goes to a thread of its own.
        threading.Thread(target=self._record, args=(event,), daemon=True).start()

    def _record(self, event: RatingEvent) -> None:
        with self._lock:
            ticket_id = self._prompted.pop(event.service_id, None)
        if ticket_id is None:
            self.driver.idle()  # a late press for a service no longer open: credit nobody
            return
        try:
            self.http.post(
                f"/pads/{self.window}/rating",
                {"ticket_id": ticket_id, "level": int(event.level)},
                params={"channel": "serial"},
            )
        except HallUnavailable as exc:
            log.warning("rating not delivered: %s", exc)
            self.driver.idle()
            return
        except HallStatusError as exc:
            self.errors.append(exc.text)
            self.driver.idle()
            return
        self.driver.thanks()
        self._later(self.thanks_seconds, lambda: self.driver.idle())

    def _on_online(self, address: int, online: bool) -> None:
        self.devices.online(f"window-{self.window}/pad", "pad", address, online)

    def _later(self, seconds: float, fn, *args) -> None:
        self._cancel_timer()
        self._timer = threading.Timer(seconds, fn, args)
        self._timer.daemon = True
        self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
