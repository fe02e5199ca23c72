"""Host-side drivers: one object per physical device, thin over a ``SerialBus``.

They turn what a bridge wants ("show A023 for window 3", "ask for a rating of service
A023") into host commands, and hand device events to a callback. They also remember what the
device should be showing and send it again when the device comes back online, because a
power-cycled or replugged LED bar / keypad wakes up blank.

All callbacks run on the bus thread (see ``bus.py``): keep them short.

    bus = SerialBus("/dev/ttyUSB0", addresses=[1, 2, 3])
    bar = LedBarDriver(bus, 1)
    keypad = CallerKeypadDriver(bus, 2, on_key=lambda address, event: ...)
    pad = EvaluationPadDriver(bus, 3, on_rating=lambda address, event: ...)
    bus.start()
    bar.show_call("A023", window=3)       # "A023 请到3号窗口"
    pad.prompt("A023")
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from hall_common.i18n import DEFAULT_LOCALE, message

from .bus import SerialBus
from .events import (
    ClearText,
    DeviceEvent,
    HostCommand,
    KeyEvent,
    PadIdle,
    PadThanks,
    PromptRating,
    RatingEvent,
    SetBrightness,
    SetStatusLight,
    ShowNumber,
    ShowText,
    StatusLight,
)

KeyCallback = Callable[[int, KeyEvent], None]
RatingCallback = Callable[[int, RatingEvent], None]
OnlineCallback = Callable[[int, bool], None]


class _Driver:
    def __init__(self, bus: SerialBus, address: int, on_online: OnlineCallback | None = None) -> None:
        self.bus = bus
        self.address = address
        self.on_online = on_online
        self._lock = threading.Lock()
        # What the device should be showing, by kind of command (text, brightness, …); replayed
        # in this order when the device comes back.
        self._state: dict[str, HostCommand] = {}
        self._was_offline = False
        bus.subscribe(address, on_event=self._on_event, on_status=self._on_status)

    @property
    def online(self) -> bool | None:
        """True/False once known, None before the device was first heard from."""
        return self.bus.is_online(self.address)

    def _send(self, slot: str, command: HostCommand) -> None:
        with self._lock:
            self._state[slot] = command
        self.bus.send(self.address, command)

    def _on_status(self, address: int, online: bool) -> None:
        with self._lock:
            # Only a device that was away needs the replay; on the first answer after start-up
            # everything sent so far is still queued or already delivered.
            replay = list(self._state.values()) if online and self._was_offline else []
            self._was_offline = not online
        for command in replay:
            self.bus.send(self.address, command)
        if self.on_online is not None:
            self.on_online(address, online)

    def _on_event(self, address: int, event: DeviceEvent) -> None:
        pass


class LedBarDriver(_Driver):
    """A window's LED bar (条屏): one line of text, GBK on the wire."""

    def __init__(
        self, bus: SerialBus, address: int, *, locale: str = DEFAULT_LOCALE, on_online: OnlineCallback | None = None
    ) -> None:
        super().__init__(bus, address, on_online)
        self.locale = locale

    def show_text(self, text: str) -> None:
        """Show ``text`` as is (replaces the screen). Non-GBK characters show as "?"."""
        self._send("screen", ShowText(text))

    def show_call(self, number: str, window: int | str) -> None:
        """The calling line for a window, e.g. "A023 请到3号窗口"."""
        self.show_text(message("serial.led_call", self.locale, number=number, window=window))

    def clear(self) -> None:
        self._send("screen", ClearText())

    def set_brightness(self, level: int) -> None:
        """0 (dimmest) … 15 (brightest)."""
        self._send("brightness", SetBrightness(level))


class CallerKeypadDriver(_Driver):
    """A window's caller keypad (叫号器): key presses in, current number and lamp out.

    ``on_key(address, KeyEvent)`` is called exactly once per key press.
    """

    def __init__(
        self,
        bus: SerialBus,
        address: int,
        on_key: KeyCallback | None = None,
        *,
        on_online: OnlineCallback | None = None,
    ) -> None:
        super().__init__(bus, address, on_online)
        self.on_key = on_key

    def show_number(self, number: str) -> None:
        """Up to 4 ASCII characters, e.g. "A001"; "" blanks the display."""
        self._send("number", ShowNumber(number))

    def set_light(self, light: StatusLight) -> None:
        self._send("light", SetStatusLight(light))

    def _on_event(self, address: int, event: DeviceEvent) -> None:
        if isinstance(event, KeyEvent) and self.on_key is not None:
            self.on_key(address, event)


class EvaluationPadDriver(_Driver):
    """A window's evaluation pad (评价器, 好差评): prompt for a service, receive the level.

    ``on_rating(address, RatingEvent)`` is called once per rating; ``event.service_id`` is the
    id given to ``prompt()``, so a bridge can match it to the right service (一次一评).
    """

    def __init__(
        self,
        bus: SerialBus,
        address: int,
        on_rating: RatingCallback | None = None,
        *,
        on_online: OnlineCallback | None = None,
    ) -> None:
        super().__init__(bus, address, on_online)
        self.on_rating = on_rating

    def prompt(self, service_id: str = "") -> None:
        """Show "请您评价" for this service (ticket number or case id, ASCII ≤ 32)."""
        self._send("screen", PromptRating(service_id))

    def idle(self) -> None:
        self._send("screen", PadIdle())

    def thanks(self) -> None:
        self._send("screen", PadThanks())

    def _on_event(self, address: int, event: DeviceEvent) -> None:
        if isinstance(event, RatingEvent):
            with self._lock:
                # After a rating, a replug must not bring the rating prompt back: the service
                # has been rated. The bridge decides what to show next (thanks / idle).
                if isinstance(self._state.get("screen"), PromptRating):
                    self._state["screen"] = PadIdle()
            if self.on_rating is not None:
                self.on_rating(address, event)
