"""A simulated ESC/POS printer for tests and demos without hardware.

``PrinterSimulator`` is the core: it consumes the byte stream like a printer
(commands with payloads are skipped whole, so raster data cannot be mistaken
for a status query), records jobs split at cuts, and answers DLE EOT according
to a settable state.  It is exposed on TCP (``NetworkPrinterSimulator``) and on
one end of a real pty pair made by socat (``SocatPtyPair`` +
``SerialPrinterSimulator``) so unchanged production transports talk to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import serial

import os
import shutil
import socketserver
import subprocess
import tempfile
import threading
import time
from enum import StrEnum
from pathlib import Path

from . import commands
from .commands import DLE, EOT, GS


class SimState(StrEnum):
    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"
    SILENT = "silent"  # powered off / cable pulled: no answers at all


# DLE EOT 1..4 answers per state (Epson bit layout; 0x12 = fixed bits only).
_ANSWERS = {
    SimState.OK: {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    SimState.PAPER_NEAR_END: {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    SimState.PAPER_OUT: {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E},
    SimState.COVER_OPEN: {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},
    SimState.ERROR: {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12},
}


class PrinterSimulator:
    """Thread-safe printer core: ``feed(bytes) -> answer bytes``."""

    def __init__(self, state: SimState = SimState.OK) -> None:
        self._lock = threading.Condition()
        self.state = state
        self.received = bytearray()  # every byte, queries included
        self.jobs: list[bytes] = []  # completed tickets (up to and including the cut)
        self.queries: list[int] = []  # n of each DLE EOT n seen
        self._pending = bytearray()  # bytes of a command split across reads
        self._current = bytearray()  # print data since the last cut

    def set_state(self, state: SimState) -> None:
        with self._lock:
            self.state = SimState(state)

    def feed(self, data: bytes) -> bytes:
        answers = bytearray()
        with self._lock:
            self.received += data
            self._pending += data
            buf, i = self._pending, 0
            while i < len(buf):
                length = commands.command_length(buf, i)
                if length is None:
                    break  # wait for the rest of this command
                cmd = bytes(buf[i : i + length])
                i += length
                if cmd[0] == DLE and len(cmd) == 3 and cmd[1] == EOT:
                    self.queries.append(cmd[2])
                    answer = _ANSWERS.get(self.state, {}).get(cmd[2])
                    if answer is not None:
                        answers.append(answer)
                    continue
                self._current += cmd
                if cmd[0] == GS and cmd[1] == ord("V"):
                    self.jobs.append(bytes(self._current))
                    self._current.clear()
                    self._lock.notify_all()
            del buf[:i]
        return bytes(answers)

    @property
    def unfinished(self) -> bytes:
        """Print data received after the last cut."""
        with self._lock:
            return bytes(self._current)

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: len(self.jobs) >= count, timeout)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sim: NetworkPrinterSimulator = self.server.simulator  # type: ignore[attr-defined]
        self.request.settimeout(0.05)
        while not sim.stopping.is_set():
            try:
                data = self.request.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            answer = sim.core.feed(data)
            if answer:
                self.request.sendall(answer)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class NetworkPrinterSimulator:
    """A JetDirect-style printer on 127.0.0.1 (port chosen by the OS)."""

    def __init__(self, core: PrinterSimulator | None = None, host: str = "127.0.0.1") -> None:
        self.core = core or PrinterSimulator()
        self.stopping = threading.Event()
        self._server = _Server((host, 0), _Handler)
        self._server.simulator = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="printer-sim-tcp", daemon=True
        )

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def spec(self) -> str:
        host, port = self.address
        return f"network:{host}:{port}"

    def start(self) -> NetworkPrinterSimulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)

    def __enter__(self) -> NetworkPrinterSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SocatPtyPair:
    """Two linked pseudo-terminals: production code opens ``host_end``, a simulator ``device_end``."""

    def __init__(self, directory: str | Path | None = None, ready_timeout: float = 5.0) -> None:
        self._tmp = None if directory else tempfile.TemporaryDirectory(prefix="yichuang-pty-")
        folder = Path(directory or self._tmp.name)  # type: ignore[union-attr]
        self.host_end = str(folder / "printer-host")
        self.device_end = str(folder / "printer-device")
        self.ready_timeout = ready_timeout
        self._process: subprocess.Popen | None = None

    def start(self) -> SocatPtyPair:
        socat = shutil.which("socat")
        if socat is None:
            raise RuntimeError("socat is not installed (Debian package socat)")
        self._process = subprocess.Popen(
            [socat, f"pty,raw,echo=0,link={self.host_end}", f"pty,raw,echo=0,link={self.device_end}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + self.ready_timeout
        while not (os.path.exists(self.host_end) and os.path.exists(self.device_end)):
            if self._process.poll() is not None:
                error = self._process.stderr.read() if self._process.stderr else b""
                raise RuntimeError(f"socat exited: {error.decode(errors='replace')}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("socat did not create the pty pair in time")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stderr:
                self._process.stderr.close()
            self._process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> SocatPtyPair:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SerialPrinterSimulator:
    """The simulator core behind a serial device path (e.g. the device end of a pty pair)."""

    def __init__(self, port: str, core: PrinterSimulator | None = None, baudrate: int = 9600) -> None:
        self.port, self.baudrate = port, baudrate
        self.core = core or PrinterSimulator()
        self._stop = threading.Event()
        self._serial: serial.Serial | None = None
        self._thread = threading.Thread(target=self._run, name="printer-sim-serial", daemon=True)

    def start(self) -> SerialPrinterSimulator:
        import serial

        self._serial = serial.Serial(self.port, self.baudrate, timeout=0.05)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                # One byte with a short timeout, then whatever else is waiting:
                # answers go out as soon as a query arrives.
                data = self._serial.read(1)  # type: ignore[union-attr]
                if data and self._serial.in_waiting:  # type: ignore[union-attr]
                    data += self._serial.read(self._serial.in_waiting)  # type: ignore[union-attr]
            except Exception:
                return
            if data:
                answer = self.core.feed(data)
                if answer:
                    self._serial.write(answer)  # type: ignore[union-attr]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        if self._serial is not None:
            self._serial.close()

    def __enter__(self) -> SerialPrinterSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
