"""Device-side simulations of the queue peripherals, several on one simulated RS-485 line.

A ``SimulatedLine`` owns one serial port (device path or pyserial URL) and plays every
device on it: it decodes the master's frames, hands each to the device with that address,
and writes the device's answer back — exactly what the devices on a real line do. Run it on
one end of a pty pair and the production bus on the other end, unchanged:

    socat pty,raw,echo=0,link=/tmp/x/A pty,raw,echo=0,link=/tmp/x/B &
    python -m hardware.serial_devices.simulators --port /tmp/x/B --ledbar 1 --keypad 2 --pad 3
    # the hall side opens /tmp/x/A

Devices:
    ``LedBarSimulator``      records what it shows (``text``, ``history``, ``brightness``).
    ``KeypadSimulator``      ``press("call")`` queues a key event; shows ``number``, ``light``.
    ``EvaluationPadSimulator`` ``press(5)`` rates the prompted service; ``screen``, ``service_id``.
Every device can be ``unplug()``-ged (silent, display lost) and ``plug()``-ged back in.

Interactive commands of the CLI (one per line on stdin): ``<address> <key>`` for a keypad
(``2 call``, ``2 transfer 3``), ``<address> <level>`` for a pad (``3 5``),
``<address> unplug|plug``, ``status``, ``quit``.
"""

from __future__ import annotations

import argparse
import collections
import logging
import sys
import threading
from collections.abc import Callable, Iterable

import serial

from hall_common.i18n import DEFAULT_LOCALE, LOCALES, message

from . import events as ev
from .adapter import ProtocolAdapter
from .ff68 import FF68Protocol
from .frames import Frame, FrameError

log = logging.getLogger(__name__)

ChangeCallback = Callable[["SimulatedDevice", str], None]


class SimulatedDevice:
    """Base: an address, an outbox of unacknowledged events, plug state."""

    kind = "device"

    def __init__(self, address: int) -> None:
        self.address = address
        self.plugged = True
        self.received: list[ev.HostCommand] = []  # every host command, polls excluded
        self.sent_events = 0  # event frames put on the line, repeats included
        self.on_change: ChangeCallback | None = None
        self._lock = threading.Lock()
        self._outbox: collections.deque[ev.DeviceEvent] = collections.deque()
        self._in_flight: bytes | None = None  # the event frame awaiting its ACK echo
        self._sequence = 0
        self.lose_acks = 0  # tests: pretend this many ACKs were lost on the line

    # --- test/demo controls --------------------------------------------------------------
    def unplug(self) -> None:
        """Go silent, as if the cable were pulled; a real device also loses its display."""
        with self._lock:
            self.plugged = False
            self._reset_display()

    def plug(self) -> None:
        with self._lock:
            self.plugged = True

    def pending_events(self) -> int:
        with self._lock:
            return len(self._outbox) + (self._in_flight is not None)

    def _queue(self, event: ev.DeviceEvent) -> None:
        with self._lock:
            self._outbox.append(event)

    # --- line side (called by SimulatedLine) ---------------------------------------------
    def handle(self, frame: Frame, protocol: ProtocolAdapter) -> bytes | None:
        """The answer to a frame addressed to this device, or None for no answer."""
        with self._lock:
            if not self.plugged:
                return None
            if protocol.is_from_device(frame):
                # The host's echo of our event frame: the ACK. Nothing is sent back.
                if self._in_flight is not None and protocol.encode(frame) == self._in_flight:
                    if self.lose_acks:
                        self.lose_acks -= 1
                    else:
                        self._in_flight = None
                return None
            command = protocol.command_from(frame)
            if command is None:
                return None  # unknown command: real devices stay quiet
            if not isinstance(command, ev.Poll):
                self.received.append(command)
                change = self._apply(command)
            else:
                change = None
            if self._in_flight is None and self._outbox:
                event = self._outbox.popleft()
                self._sequence = (self._sequence + 1) & 0xFF
                self._in_flight = protocol.encode(protocol.event_frame(self.address, event, self._sequence))
            if self._in_flight is not None:
                self.sent_events += 1
                answer = self._in_flight  # new or repeated: same bytes, same sequence number
            else:
                answer = protocol.encode(protocol.event_frame(self.address, ev.Status()))
        if change and self.on_change is not None:
            self.on_change(self, change)
        return answer

    def _apply(self, command: ev.HostCommand) -> str | None:
        """Apply a command to the simulated display; return a description if it changed."""
        return None

    def _reset_display(self) -> None:
        pass

    def describe(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(f"serial.sim_{self.kind}", locale, address=self.address)


class LedBarSimulator(SimulatedDevice):
    kind = "ledbar"

    def __init__(self, address: int) -> None:
        super().__init__(address)
        self.text = ""
        self.brightness = 15
        self.history: list[str] = []  # every text shown, in order ("" for a clear)

    def _apply(self, command: ev.HostCommand) -> str | None:
        match command:
            case ev.ShowText(text=text):
                self.text = text
                self.history.append(text)
                return "text"
            case ev.ClearText():
                self.text = ""
                self.history.append("")
                return "text"
            case ev.SetBrightness(level=level):
                self.brightness = level
                return "brightness"
        return None

    def _reset_display(self) -> None:
        self.text = ""

    def describe(self, locale: str = DEFAULT_LOCALE) -> str:
        return message("serial.sim_ledbar", locale, address=self.address, text=self.text, brightness=self.brightness)


class KeypadSimulator(SimulatedDevice):
    kind = "keypad"

    def __init__(self, address: int) -> None:
        super().__init__(address)
        self.number = ""
        self.light = ev.StatusLight.OFF

    def press(self, key: str | ev.KeypadKey, argument: int | None = None) -> None:
        """Press a key: "call", "recall", "pause", "resume", "no_show", "transfer", "start",
        "finish", "evaluate" (or a ``KeypadKey``); ``argument`` is the target window of a transfer."""
        self._queue(ev.KeyEvent(ev.KeypadKey(key), argument))

    def _apply(self, command: ev.HostCommand) -> str | None:
        match command:
            case ev.ShowNumber(number=number):
                self.number = number
                return "number"
            case ev.SetStatusLight(light=light):
                self.light = light
                return "light"
        return None

    def _reset_display(self) -> None:
        self.number, self.light = "", ev.StatusLight.OFF

    def describe(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(
            "serial.sim_keypad",
            locale,
            address=self.address,
            number=self.number or "----",
            light=self.light.label(locale),
        )


class EvaluationPadSimulator(SimulatedDevice):
    kind = "pad"

    def __init__(self, address: int) -> None:
        super().__init__(address)
        self.screen = "idle"  # "idle" | "rate" | "thanks"
        self.service_id = ""

    def press(self, level: int | ev.RatingLevel) -> bool:
        """A resident presses 5 (非常满意) … 1 (非常不满意). Like a real pad, keys only count
        while it shows the rating prompt; returns False for a press on another screen."""
        level = ev.RatingLevel(level)
        with self._lock:
            if self.screen != "rate":
                return False
            self.screen = "rated"  # one service, one rating (一次一评) until the host moves on
            self._outbox.append(ev.RatingEvent(level, self.service_id))
            return True

    def _apply(self, command: ev.HostCommand) -> str | None:
        match command:
            case ev.PromptRating(service_id=service_id):
                self.screen, self.service_id = "rate", service_id
            case ev.PadIdle():
                self.screen, self.service_id = "idle", ""
            case ev.PadThanks():
                self.screen = "thanks"
            case _:
                return None
        return "screen"

    def _reset_display(self) -> None:
        self.screen, self.service_id = "idle", ""

    def describe(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(
            "serial.sim_pad",
            locale,
            address=self.address,
            screen=message(f"serial.pad_screen_{self.screen}", locale),
            service=self.service_id or "-",
        )


class SimulatedLine:
    """Every simulated device on one serial line, answering the master as real devices would."""

    def __init__(self, port: str, devices: Iterable[SimulatedDevice], protocol: ProtocolAdapter | None = None) -> None:
        self.port_name = port
        self.protocol = protocol or FF68Protocol()
        self.devices: dict[int, SimulatedDevice] = {}
        for device in devices:
            if device.address in self.devices:
                raise ValueError(f"two devices with address {device.address} on one line")
            self.devices[device.address] = device
        self.frame_errors: list[FrameError] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: serial.SerialBase | None = None
        self._write_lock = threading.Lock()

    def start(self) -> SimulatedLine:
        self._port = self._open()  # fail loudly here if the port does not exist at all
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"sim-line {self.port_name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)
            self._thread = None
        self._close()

    def __enter__(self) -> SimulatedLine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, data: bytes) -> None:
        """Put raw bytes on the line (noise, a foreign device, a corrupted frame)."""
        with self._write_lock:
            if self._port is not None:
                self._port.write(data)

    def _open(self) -> serial.SerialBase:
        p = self.protocol
        return serial.serial_for_url(
            self.port_name, baudrate=p.baudrate, bytesize=p.bytesize, parity=p.parity, stopbits=p.stopbits, timeout=0.02
        )

    def _close(self) -> None:
        with self._write_lock:
            port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:
                pass

    def _run(self) -> None:
        decoder = self.protocol.decoder()
        while not self._stop.is_set():
            port = self._port
            try:
                if port is None:
                    # The line went away (pty pair restarted, adapter replugged): reopen it.
                    port = self._open()
                    decoder = self.protocol.decoder()
                    with self._write_lock:
                        self._port = port
                chunk = port.read(port.in_waiting or 1)
                items = decoder.feed(chunk) if chunk else decoder.flush()
                for item in items:
                    if isinstance(item, FrameError):
                        self.frame_errors.append(item)
                        continue
                    device = self.devices.get(item.address)
                    answer = device.handle(item, self.protocol) if device else None
                    if answer is not None:
                        with self._write_lock:
                            port.write(answer)
            except (serial.SerialException, OSError) as exc:
                log.debug("simulated line %s: %s", self.port_name, exc)
                self._close()
                self._stop.wait(0.05)


# --- CLI ------------------------------------------------------------------------------------


def _print_change(locale: str) -> ChangeCallback:
    def show(device: SimulatedDevice, what: str) -> None:
        print(device.describe(locale), flush=True)

    return show


def _interpret(line: SimulatedLine, text: str, locale: str) -> bool:
    """Run one interactive command; False to quit."""
    words = text.split()
    if not words:
        return True
    if words[0] in ("quit", "exit", "q"):
        return False
    if words[0] == "status":
        for device in line.devices.values():
            print(device.describe(locale))
        return True
    try:
        device = line.devices[int(words[0])]
        action = words[1]
        if action == "unplug":
            device.unplug()
        elif action == "plug":
            device.plug()
        elif isinstance(device, KeypadSimulator):
            device.press(action, int(words[2]) if len(words) > 2 else None)
        elif isinstance(device, EvaluationPadSimulator):
            if not device.press(int(action)):
                print(message("serial.sim_pad_not_prompted", locale, address=device.address))
        else:
            raise ValueError(action)
    except (ValueError, KeyError, IndexError):
        print(message("serial.sim_help", locale))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hardware.serial_devices.simulators", description=message("serial.sim_description")
    )
    parser.add_argument("--port", required=True, help="device path or pyserial URL")
    parser.add_argument("--ledbar", type=int, action="append", default=[], metavar="ADDRESS")
    parser.add_argument("--keypad", type=int, action="append", default=[], metavar="ADDRESS")
    parser.add_argument("--pad", type=int, action="append", default=[], metavar="ADDRESS")
    parser.add_argument("--locale", choices=LOCALES, default=DEFAULT_LOCALE)
    args = parser.parse_args(argv)
    devices: list[SimulatedDevice] = (
        [LedBarSimulator(a) for a in args.ledbar]
        + [KeypadSimulator(a) for a in args.keypad]
        + [EvaluationPadSimulator(a) for a in args.pad]
    )
    if not devices:
        parser.error(message("serial.sim_no_devices", args.locale))
    for device in devices:
        device.on_change = _print_change(args.locale)
    logging.basicConfig(level=logging.WARNING)
    try:
        line = SimulatedLine(args.port, devices).start()
    except (serial.SerialException, OSError, ValueError) as exc:
        print(message("serial.sim_cannot_open", args.locale, port=args.port, error=exc), file=sys.stderr)
        return 1
    print(message("serial.sim_started", args.locale, port=args.port, count=len(devices)))
    for device in devices:
        print(device.describe(args.locale))
    print(message("serial.sim_help", args.locale))
    try:
        for text in sys.stdin:
            if not _interpret(line, text, args.locale):
                break
        else:
            # stdin closed (run in the background): keep serving until interrupted
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        line.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
