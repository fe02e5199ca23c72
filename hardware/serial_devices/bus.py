"""The RS-485 bus master: one thread owns one serial port and talks to every device on it.

RS-485 is half duplex with one master, so everything on a line must go through one place:
this class. It loops forever over

1. at most one queued host command (LED text, keypad number, pad prompt …), then
2. a poll of the next address in turn,

each as a *transaction*: write a frame, read until that device answers or ``reply_timeout``
passes (never longer: a dead device must not stall the other windows). A device answer with
an event is delivered to the callbacks, then acknowledged. After ``offline_after``
consecutive silent transactions a device is reported offline; its first answer reports it
online again. A failing port (USB adapter unplugged, socket closed) is closed, every device
is reported offline, and the port is reopened with exponential backoff until it is back.

Callbacks run on the bus thread, in line order. Keep them short (hand work to a queue);
an exception in a callback is logged and swallowed so that it cannot stop the bus.

    bus = SerialBus("/dev/ttyUSB0", addresses=[1, 2, 3],
                    on_event=lambda address, event: ..., on_status=lambda address, online: ...)
    bus.start()
    bus.send(1, ShowText("A023 请到3号窗口"))
    ...
    bus.stop()

``port`` is a device path or any pyserial URL (``socket://host:port``, ``loop://``,
``rfc2217://…``), so the bus runs unchanged against a simulator.
"""

from __future__ import annotations

import collections
import itertools
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

import serial

from hall_common.i18n import message

from .adapter import ProtocolAdapter
from .events import DeviceEvent, HostCommand, Poll, Status
from .ff68 import FF68Protocol
from .frames import Frame, FrameError

log = logging.getLogger(__name__)

EventCallback = Callable[[int, DeviceEvent], None]
StatusCallback = Callable[[int, bool], None]
ErrorCallback = Callable[[Exception], None]

# How long one port read may block. Short, so stop() and deadlines are honoured promptly;
# the transaction deadline, not this, decides how long we wait for a device.
_READ_SLICE = 0.02


@dataclass
class BusStats:
    """Counters for a health page or a commissioning log."""

    transactions: int = 0
    timeouts: int = 0
    events: int = 0
    duplicates: int = 0
    frame_errors: int = 0
    commands_sent: int = 0
    commands_dropped: int = 0
    port_failures: int = 0
    errors_by_type: dict[str, int] = field(default_factory=dict)


@dataclass
class _Device:
    address: int
    online: bool | None = None  # None: not heard from yet
    silent_count: int = 0
    last_event: Hashable = None  # identity of the last delivered event (duplicate filter)
    listeners: list[tuple[EventCallback | None, StatusCallback | None]] = field(default_factory=list)


@dataclass
class _Pending:
    address: int
    command: HostCommand
    attempts: int = 0


class CommandDropped(Exception):
    """A host command got no answer after all retries (device offline or line broken)."""

    def __init__(self, address: int, command: HostCommand) -> None:
        self.address, self.command = address, command
        super().__init__(message("serial.command_dropped", address=address, command=type(command).__name__))


class SerialBus:
    def __init__(
        self,
        port: str,
        addresses: Iterable[int],
        protocol: ProtocolAdapter | None = None,
        *,
        on_event: EventCallback | None = None,
        on_status: StatusCallback | None = None,
        on_error: ErrorCallback | None = None,
        reply_timeout: float = 0.25,
        offline_after: int = 3,
        command_retries: int = 3,
        reopen_backoff: tuple[float, float] = (0.2, 5.0),
        frame_gap: float | None = None,
        open_port: Callable[[str, ProtocolAdapter], serial.SerialBase] | None = None,
    ) -> None:
        """
        port            device path or pyserial URL.
        addresses       device addresses on this line, polled in this order.
        protocol        the vendor protocol (default: ``FF68Protocol``).
        on_event        ``(address, event)`` for every KeyEvent / RatingEvent, exactly once.
        on_status       ``(address, online)`` when a device comes online or goes offline.
        on_error        every ``FrameError``, ``CommandDropped`` and port failure, for logs.
        reply_timeout   longest wait for one device answer. At 9600 baud a full 260-byte
                        frame takes 0.27 s; the default suits the short frames used here.
        offline_after   consecutive unanswered transactions before a device is offline.
        command_retries sends of one command before it is dropped (reported to on_error).
        reopen_backoff  (first, max) delay between attempts to reopen a failed port.
        frame_gap       silence before each host frame, so a device has released the RS-485
                        line (default 3.5 character times at the protocol's baud rate, ~4 ms
                        at 9600). It also keeps a fast pty or socket line from spinning a CPU.
        open_port       factory for the port object (tests, RS-485 direction settings).
        """
        self.port_name = port
        self.protocol = protocol or FF68Protocol()
        self.on_event, self.on_status, self.on_error = on_event, on_status, on_error
        self.reply_timeout = reply_timeout
        self.offline_after = offline_after
        self.command_retries = command_retries
        self.reopen_backoff = reopen_backoff
        bits_per_char = 1 + self.protocol.bytesize + (self.protocol.parity != "N") + self.protocol.stopbits
        self.frame_gap = frame_gap if frame_gap is not None else 3.5 * bits_per_char / self.protocol.baudrate
        self._open_port = open_port or _open_serial
        self._devices: dict[int, _Device] = {}
        for address in addresses:
            self._devices.setdefault(address, _Device(address))
        if not self._devices:
            raise ValueError("a bus needs at least one device address")
        self._lock = threading.Lock()
        self._commands: collections.deque[_Pending] = collections.deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: serial.SerialBase | None = None
        self._decoder = self.protocol.decoder()
        self._poll_order = itertools.cycle(list(self._devices))
        self.stats = BusStats()
        self.port_open = False

    # --- public API (thread-safe) ----------------------------------------------------------
    def start(self) -> SerialBus:
        if self._thread and self._thread.is_alive():
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"serial-bus {self.port_name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling and close the port. Returns within about reply_timeout."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> SerialBus:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def send(self, address: int, command: HostCommand) -> None:
        """Queue a command for a device; sent in order, retried until answered or dropped."""
        if address not in self._devices:
            raise KeyError(f"address {address} is not on this bus")
        self.protocol.command_frame(address, command)  # fail now, in the caller, if unframeable
        with self._lock:
            self._commands.append(_Pending(address, command))

    def subscribe(
        self, address: int, on_event: EventCallback | None = None, on_status: StatusCallback | None = None
    ) -> None:
        """Extra callbacks for one address (the drivers use this)."""
        if address not in self._devices:
            raise KeyError(f"address {address} is not on this bus")
        with self._lock:
            self._devices[address].listeners.append((on_event, on_status))

    def is_online(self, address: int) -> bool | None:
        """True/False once known; None before the device was first heard or declared silent."""
        return self._devices[address].online

    @property
    def addresses(self) -> list[int]:
        return list(self._devices)

    # --- the bus thread -----------------------------------------------------------------
    def _run(self) -> None:
        delay = self.reopen_backoff[0]
        try:
            while not self._stop.is_set():
                if self._port is None:
                    if not self._try_open():
                        self._stop.wait(delay)
                        delay = min(delay * 2, self.reopen_backoff[1])
                        continue
                    delay = self.reopen_backoff[0]
                try:
                    self._cycle()
                except (serial.SerialException, OSError) as exc:
                    self._port_failed(exc)
                except Exception as exc:
                    # A bug (in an adapter, say) must not silently end polling for the whole
                    # line: log it, start over with a fresh port and decoder after a pause.
                    log.exception("serial bus %s: unexpected error", self.port_name)
                    self._port_failed(exc)
                    self._stop.wait(self.reopen_backoff[1])
        finally:
            self._close()

    def _try_open(self) -> bool:
        try:
            self._port = self._open_port(self.port_name, self.protocol)
        except (serial.SerialException, OSError, ValueError) as exc:
            log.debug("cannot open %s: %s", self.port_name, exc)
            return False
        self._decoder = self.protocol.decoder()
        self.port_open = True
        log.info(message("serial.port_opened", port=self.port_name))
        return True

    def _port_failed(self, exc: Exception) -> None:
        self.stats.port_failures += 1
        log.warning(message("serial.port_failed", port=self.port_name, error=exc))
        self._report_error(exc)
        self._close()
        for device in self._devices.values():
            self._set_online(device, False)

    def _close(self) -> None:
        port, self._port = self._port, None
        self.port_open = False
        if port is not None:
            try:
                port.close()
            except Exception:  # closing a vanished device may fail; it is gone either way
                pass

    def _cycle(self) -> None:
        with self._lock:
            pending = self._commands.popleft() if self._commands else None
        if pending is not None:
            self._send_command(pending)
        if not self._stop.is_set():
            self._transact(next(self._poll_order), Poll())

    def _send_command(self, pending: _Pending) -> None:
        pending.attempts += 1
        if self._transact(pending.address, pending.command):
            self.stats.commands_sent += 1
            return
        if pending.attempts < self.command_retries:
            with self._lock:
                self._commands.appendleft(pending)  # keep the order of commands to one device
        else:
            self.stats.commands_dropped += 1
            self._report_error(CommandDropped(pending.address, pending.command))

    def _transact(self, address: int, command: HostCommand) -> bool:
        """Send one frame, wait for that device's answer; True if it answered."""
        port = self._port
        assert port is not None
        self.stats.transactions += 1
        self._stop.wait(self.frame_gap)
        # Whatever is still on the line belongs to an earlier, finished transaction (a late
        # answer); the device repeats any unacknowledged event, so it is safe to drop.
        self._drain(port)
        port.write(self.protocol.encode(self.protocol.command_frame(address, command)))
        port.flush()
        deadline = time.monotonic() + self.reply_timeout
        device = self._devices[address]
        while not self._stop.is_set():
            # Past the deadline, one last look at what is already waiting: a bus thread that was
            # off the CPU longer than the reply timeout would otherwise take an answer lying in
            # the buffer for silence, resend the command (a bar redraws) and, after a few such
            # misses, report a working device offline.
            late = time.monotonic() >= deadline
            chunk = port.read(port.in_waiting) if late else port.read(port.in_waiting or 1)
            if not chunk:
                if late:
                    break
                continue
            answer = None
            for item in self._decoder.feed(chunk):
                if isinstance(item, FrameError):
                    self._frame_error(item)
                elif answer is None and item.address == address and self.protocol.is_from_device(item):
                    answer = item
                # else: our own echo (loop://, echoing adapters) or another device's late frame
            if answer is not None:
                self._answered(device, answer)
                return True
            if late:
                break
        for item in self._decoder.flush():
            if isinstance(item, FrameError):
                self._frame_error(item)
        if self._stop.is_set():
            return False  # interrupted by stop(), not a silent device
        self.stats.timeouts += 1
        device.silent_count += 1
        if device.silent_count >= self.offline_after:
            self._set_online(device, False)
        return False

    def _drain(self, port: serial.SerialBase) -> None:
        waiting = port.in_waiting
        stale = port.read(waiting) if waiting else b""
        for item in self._decoder.feed(stale) + self._decoder.flush():
            if isinstance(item, FrameError):
                self._frame_error(item)

    def _answered(self, device: _Device, frame: Frame) -> None:
        device.silent_count = 0
        self._set_online(device, True)
        try:
            event = self.protocol.event_from(frame)
        except ValueError as exc:
            event = None
            self._report_error(exc)
        if self.protocol.needs_ack(frame):
            # ACK before delivering: a slow callback must not make the device time out and
            # repeat. A repeat that still happens is filtered by event identity below.
            assert self._port is not None
            self._port.write(self.protocol.ack_bytes(frame))
            self._port.flush()
        if event is None or isinstance(event, Status):
            return
        identity = self.protocol.event_identity(frame)
        if identity == device.last_event:
            self.stats.duplicates += 1
            return
        device.last_event = identity
        self.stats.events += 1
        self._deliver(device, event)

    def _deliver(self, device: _Device, event: DeviceEvent) -> None:
        with self._lock:
            listeners = list(device.listeners)
        callbacks = [self.on_event] + [on_event for on_event, _ in listeners]
        for callback in callbacks:
            if callback is not None:
                self._safely(callback, device.address, event)

    def _set_online(self, device: _Device, online: bool) -> None:
        if device.online == online:
            return
        device.online = online
        if not online:
            device.silent_count = max(device.silent_count, self.offline_after)
        else:
            # A device that was away may have been power-cycled and restarted its sequence
            # numbers; forget the last event so its first new one is not taken for a repeat.
            device.last_event = None
        log.info(
            message(
                "serial.device_online" if online else "serial.device_offline",
                port=self.port_name,
                address=device.address,
            )
        )
        with self._lock:
            listeners = list(device.listeners)
        callbacks = [self.on_status] + [on_status for _, on_status in listeners]
        for callback in callbacks:
            if callback is not None:
                self._safely(callback, device.address, online)

    def _frame_error(self, error: FrameError) -> None:
        self.stats.frame_errors += 1
        name = type(error).__name__
        self.stats.errors_by_type[name] = self.stats.errors_by_type.get(name, 0) + 1
        log.warning("%s: %s", self.port_name, error)
        self._report_error(error)

    def _report_error(self, error: Exception) -> None:
        if self.on_error is not None:
            self._safely(self.on_error, error)

    @staticmethod
    def _safely(callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:
            log.exception("serial bus callback %r failed", callback)


def _open_serial(port: str, protocol: ProtocolAdapter) -> serial.SerialBase:
    return serial.serial_for_url(
        port,
        baudrate=protocol.baudrate,
        bytesize=protocol.bytesize,
        parity=protocol.parity,
        stopbits=protocol.stopbits,
        timeout=_READ_SLICE,
        write_timeout=2.0,  # a wedged adapter must raise, not hang the bus forever
    )
