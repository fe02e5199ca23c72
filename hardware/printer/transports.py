"""Ways to reach a printer, behind one small interface, and the spec strings that pick one.

Specs (kiosk configuration):
    network:192.0.2.5:9100          raw TCP (JetDirect), port defaults to 9100
    serial:/dev/ttyUSB0?baudrate=9600&rtscts=1
    usb:0x0416:0x5011               vendor:product (python-escpos Usb, needs pyusb)
    file:/dev/usb/lp0               a device node or a capture file
    cups:QUEUE                      raw job through lp (status cannot be read)
    preview:/var/lib/yichuang/prints  each job as .bin + .png, no printer needed
    dummy                           in memory (tests)
"""

from __future__ import annotations

import itertools
import select
import shutil
import socket
import subprocess
import threading
from abc import ABC, abstractmethod
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from hall_common.i18n import message

from .status import DEFAULT_STATUS_TIMEOUT, PrinterState, PrinterStatus, query_status


class TransportError(OSError):
    """Writing failed.  ``nothing_sent`` tells whether the printer surely got no byte
    (safe to report "not printed") or may have got part of the job (never resend blindly)."""

    def __init__(self, text: str, nothing_sent: bool) -> None:
        super().__init__(text)
        self.nothing_sent = nothing_sent


class PrinterTransport(ABC):
    kind = "abstract"
    status_capable = False  # can this transport read DLE EOT answers back?

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send all of ``data`` or raise TransportError."""

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes, or b"" after ``timeout`` seconds of silence."""
        return b""

    def discard_input(self) -> None:
        """Drop bytes the printer sent that nobody asked for yet."""
        return None  # a transport that cannot read has nothing waiting

    def query_status(self, timeout: float = DEFAULT_STATUS_TIMEOUT) -> PrinterStatus:
        if not self.status_capable:
            return PrinterStatus.unknown(f"{self.kind} transport cannot read printer status")
        return query_status(self, timeout)

    def close(self) -> None:
        return None  # a transport that holds nothing open has nothing to close

    def describe(self) -> str:
        return self.kind

    def __enter__(self) -> PrinterTransport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


class NetworkTransport(PrinterTransport):
    """Raw TCP (port 9100).  Connects lazily and once; reconnects after an error."""

    kind = "network"
    status_capable = True

    def __init__(self, host: str, port: int = 9100, connect_timeout: float = 3.0, write_timeout: float = 15.0) -> None:
        self.host, self.port = host, port
        self.connect_timeout, self.write_timeout = connect_timeout, write_timeout
        self._sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        if self._sock is None:
            try:
                self._sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
            except OSError as exc:
                raise TransportError(f"cannot connect to {self.describe()}: {exc}", nothing_sent=True) from exc
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self._sock

    def write(self, data: bytes) -> None:
        sock = self._connect()
        try:
            sock.settimeout(self.write_timeout)
            sock.sendall(data)
        except OSError as exc:
            self.close()
            raise TransportError(f"sending to {self.describe()} failed: {exc}", nothing_sent=False) from exc

    def read(self, size: int, timeout: float) -> bytes:
        sock = self._connect()
        ready, _, _ = select.select([sock], [], [], timeout)
        if not ready:
            return b""
        try:
            data = sock.recv(size)
        except OSError:
            data = b""
        if not data:  # the printer closed the connection
            self.close()
        return data

    def discard_input(self) -> None:
        sock = self._connect()
        while select.select([sock], [], [], 0)[0]:
            try:
                if not sock.recv(4096):
                    self.close()
                    return
            except OSError:
                self.close()
                return

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def describe(self) -> str:
        return f"network:{self.host}:{self.port}"


class SerialTransport(PrinterTransport):
    """RS-232 / USB-serial through pyserial (any pyserial URL works as the port too)."""

    kind = "serial"
    status_capable = True

    def __init__(
        self,
        port: str,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: float = 1,
        rtscts: bool = False,
        xonxoff: bool = False,
        dsrdtr: bool = False,
    ) -> None:
        self.port = port
        self.settings: dict[str, Any] = {
            "baudrate": baudrate,
            "bytesize": bytesize,
            "parity": parity,
            "stopbits": stopbits,
            "rtscts": rtscts,
            "xonxoff": xonxoff,
            "dsrdtr": dsrdtr,
        }
        self._serial = None

    def _open(self):
        if self._serial is None:
            import serial

            try:
                self._serial = serial.serial_for_url(self.port, **self.settings, timeout=0)
            except (OSError, ValueError) as exc:
                raise TransportError(f"cannot open {self.describe()}: {exc}", nothing_sent=True) from exc
        return self._serial

    def write(self, data: bytes) -> None:
        port = self._open()
        # Allow the line time the job needs (10 bits a byte) with a wide margin,
        # so a printer holding CTS low because of no paper cannot hang the kiosk.
        port.write_timeout = len(data) * 10 / self.settings["baudrate"] * 2 + 2.0
        try:
            port.write(data)
            port.flush()
        except Exception as exc:  # SerialTimeoutException, SerialException, OSError
            self.close()
            raise TransportError(f"sending to {self.describe()} failed: {exc}", nothing_sent=False) from exc

    def read(self, size: int, timeout: float) -> bytes:
        port = self._open()
        port.timeout = timeout
        return port.read(size)

    def discard_input(self) -> None:
        self._open().reset_input_buffer()

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            finally:
                self._serial = None

    def describe(self) -> str:
        return f"serial:{self.port}?baudrate={self.settings['baudrate']}"


class UsbTransport(PrinterTransport):
    """USB printer class device through python-escpos ``Usb`` (needs pyusb and libusb)."""

    kind = "usb"
    status_capable = True

    def __init__(
        self, vendor_id: int, product_id: int, in_ep: int = 0x82, out_ep: int = 0x01, timeout_ms: int = 5000
    ) -> None:
        self.vendor_id, self.product_id = vendor_id, product_id
        self.in_ep, self.out_ep, self.timeout_ms = in_ep, out_ep, timeout_ms
        self._printer = None

    def _open(self):
        if self._printer is None:
            try:
                from escpos.printer import Usb

                printer = Usb(
                    self.vendor_id, self.product_id, timeout=self.timeout_ms, in_ep=self.in_ep, out_ep=self.out_ep
                )
                printer.open()
            except Exception as exc:  # missing pyusb/libusb, no device, no permission
                raise TransportError(message("printer.usb_unavailable", reason=exc), nothing_sent=True) from exc
            self._printer = printer
        return self._printer

    def write(self, data: bytes) -> None:
        printer = self._open()
        try:
            printer.device.write(self.out_ep, data, self.timeout_ms)
        except Exception as exc:
            self.close()
            raise TransportError(f"sending to {self.describe()} failed: {exc}", nothing_sent=False) from exc

    def read(self, size: int, timeout: float) -> bytes:
        printer = self._open()
        try:
            return bytes(printer.device.read(self.in_ep, max(size, 16), int(timeout * 1000)))[:size]
        except Exception:  # usb.core.USBTimeoutError: silence
            return b""

    def close(self) -> None:
        if self._printer is not None:
            try:
                self._printer.close()
            finally:
                self._printer = None

    def describe(self) -> str:
        return f"usb:0x{self.vendor_id:04x}:0x{self.product_id:04x}"


class FileTransport(PrinterTransport):
    """A device node (/dev/usb/lp0) or a file that collects jobs; no status."""

    kind = "file"

    def __init__(self, path: str) -> None:
        self.path = path

    def write(self, data: bytes) -> None:
        try:
            handle = open(self.path, "ab", buffering=0)
        except OSError as exc:
            raise TransportError(f"cannot open {self.path}: {exc}", nothing_sent=True) from exc
        try:
            with handle:
                handle.write(data)
        except OSError as exc:
            raise TransportError(f"writing to {self.path} failed: {exc}", nothing_sent=False) from exc

    def describe(self) -> str:
        return f"file:{self.path}"


class CupsTransport(PrinterTransport):
    """A raw job through ``lp``.  CUPS cannot report the printer's paper state."""

    kind = "cups"

    def __init__(self, queue: str, lp_command: str = "lp", timeout: float = 30.0) -> None:
        self.queue, self.lp_command, self.timeout = queue, lp_command, timeout

    def write(self, data: bytes) -> None:
        lp = shutil.which(self.lp_command)
        if lp is None:
            raise TransportError(message("printer.cups_lp_missing"), nothing_sent=True)
        try:
            done = subprocess.run(
                [lp, "-d", self.queue, "-o", "raw"], input=data, capture_output=True, timeout=self.timeout
            )
        except subprocess.TimeoutExpired as exc:
            raise TransportError(message("printer.cups_failed", reason="timeout"), nothing_sent=False) from exc
        if done.returncode != 0:
            # lp failed before queueing: CUPS has no job, so nothing will print.
            reason = done.stderr.decode("utf-8", errors="replace").strip() or f"exit {done.returncode}"
            raise TransportError(message("printer.cups_failed", reason=reason), nothing_sent=True)

    def describe(self) -> str:
        return f"cups:{self.queue}"


class DummyTransport(PrinterTransport):
    """In memory: ``output`` has every byte, ``jobs`` one entry per write; status is settable."""

    kind = "dummy"
    status_capable = True

    def __init__(self, state: PrinterState = PrinterState.OK) -> None:
        self.output = bytearray()
        self.jobs: list[bytes] = []
        self.state = state

    def write(self, data: bytes) -> None:
        self.output += data
        self.jobs.append(bytes(data))

    def query_status(self, timeout: float = DEFAULT_STATUS_TIMEOUT) -> PrinterStatus:
        return PrinterStatus(self.state, f"simulated ({self.kind})")


class PreviewTransport(DummyTransport):
    """Writes each job as job-….bin plus a PNG of what it would print (kiosk demo, no printer)."""

    kind = "preview"
    _counter = itertools.count(1)
    _lock = threading.Lock()

    def __init__(self, directory: str | Path, state: PrinterState = PrinterState.OK, paper_width: int = 576) -> None:
        super().__init__(state)
        self.directory = Path(directory)
        self.paper_width = paper_width
        self.files: list[Path] = []

    def write(self, data: bytes) -> None:
        from .preview import render_png

        super().write(data)
        with self._lock:
            stem = f"job-{datetime.now():%Y%m%d-%H%M%S-%f}-{next(self._counter):04d}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            bin_path = self.directory / f"{stem}.bin"
            bin_path.write_bytes(data)
        except OSError as exc:
            raise TransportError(f"cannot write preview to {self.directory}: {exc}", nothing_sent=True) from exc
        png_path = self.directory / f"{stem}.png"
        render_png(data, png_path, self.paper_width)
        self.files += [bin_path, png_path]

    def describe(self) -> str:
        return f"preview:{self.directory}"


# --- specs -----------------------------------------------------------------

EXAMPLES = {
    "network": "network:192.0.2.5:9100",
    "serial": "serial:/dev/ttyUSB0?baudrate=9600",
    "usb": "usb:0x0416:0x5011",
    "file": "file:/dev/usb/lp0",
    "cups": "cups:receipt",
    "preview": "preview:/var/lib/yichuang/prints",
    "dummy": "dummy",
}
_SERIAL_OPTIONS = ("baudrate", "bytesize", "parity", "stopbits", "rtscts", "xonxoff", "dsrdtr")


class PrinterSpecError(ValueError):
    """A printer spec that cannot be used; str() is the Chinese text, .message(locale) others."""

    def __init__(self, key: str, **params) -> None:
        self.key, self.params = key, params
        super().__init__(self.message("zh_CN"))

    def message(self, locale: str = "zh_CN") -> str:
        return message(f"printer.{self.key}", locale, **self.params)


def _parse_network(spec: str, rest: str) -> NetworkTransport:
    example = EXAMPLES["network"]
    host, port_text = rest, "9100"
    if rest.startswith("["):  # [IPv6]:port
        host, _, tail = rest[1:].partition("]")
        port_text = tail[1:] if tail.startswith(":") else ("9100" if not tail else "bad")
    elif ":" in rest:
        host, _, port_text = rest.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        port = 0
    if not host or not 1 <= port <= 65535:
        raise PrinterSpecError("spec_bad_host_port", spec=spec, example=example)
    return NetworkTransport(host, port)


def _parse_serial(spec: str, rest: str) -> SerialTransport:
    example = EXAMPLES["serial"]
    path, _, query = rest.partition("?")
    if not path:
        raise PrinterSpecError("spec_missing_path", spec=spec, example=example)
    options: dict = {}
    for name, value in parse_qsl(query, keep_blank_values=True):

        def bad(problem: str) -> PrinterSpecError:
            return PrinterSpecError("spec_bad_serial_option", spec=spec, problem=problem, example=example)

        if name not in _SERIAL_OPTIONS:
            raise bad(f"unknown option {name!r} (known: {', '.join(_SERIAL_OPTIONS)})")
        if name == "baudrate":
            if not value.isdigit() or int(value) <= 0:
                raise bad(f"baudrate={value!r} is not a positive number")
            options[name] = int(value)
        elif name == "bytesize":
            if value not in ("5", "6", "7", "8"):
                raise bad(f"bytesize={value!r} must be 5..8")
            options[name] = int(value)
        elif name == "parity":
            if value.upper() not in ("N", "E", "O", "M", "S"):
                raise bad(f"parity={value!r} must be N, E, O, M or S")
            options[name] = value.upper()
        elif name == "stopbits":
            if value not in ("1", "1.5", "2"):
                raise bad(f"stopbits={value!r} must be 1, 1.5 or 2")
            options[name] = float(value) if value == "1.5" else int(value)
        else:
            if value.lower() not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
                raise bad(f"{name}={value!r} must be 0 or 1")
            options[name] = value.lower() in ("1", "true", "yes", "on")
    return SerialTransport(path, **options)


def _parse_usb(spec: str, rest: str) -> UsbTransport:
    ids, _, query = rest.partition("?")
    parts = ids.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        vendor, product = (int(p, 16) for p in parts)
        endpoints = {k: int(v, 16) for k, v in parse_qsl(query) if k in ("in_ep", "out_ep")}
        if not (0 < vendor <= 0xFFFF and 0 < product <= 0xFFFF):
            raise ValueError
    except ValueError:
        raise PrinterSpecError("spec_bad_usb", spec=spec, example=EXAMPLES["usb"]) from None
    return UsbTransport(vendor, product, **endpoints)


def printer_from_spec(spec: str) -> PrinterTransport:
    """A transport for a spec string; raises PrinterSpecError saying what is wrong, with an example."""
    spec = (spec or "").strip()
    if not spec:
        raise PrinterSpecError("spec_empty", example=EXAMPLES["network"])
    kind, _, rest = spec.partition(":")
    kind = kind.lower()
    if kind == "dummy":
        return DummyTransport()
    if kind == "network":
        return _parse_network(spec, rest)
    if kind == "serial":
        return _parse_serial(spec, rest)
    if kind == "usb":
        return _parse_usb(spec, rest)
    if kind in ("file", "preview"):
        if not rest:
            raise PrinterSpecError("spec_missing_path", spec=spec, example=EXAMPLES[kind])
        return FileTransport(rest) if kind == "file" else PreviewTransport(rest)
    if kind == "cups":
        if not rest:
            raise PrinterSpecError("spec_bad_queue", spec=spec, example=EXAMPLES["cups"])
        return CupsTransport(rest)
    raise PrinterSpecError("spec_unknown_kind", kind=kind, kinds=", ".join(EXAMPLES), example=EXAMPLES["network"])
