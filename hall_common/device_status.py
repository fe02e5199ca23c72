"""Serial devices coming and going, told to the supervisors' device list (POST /devices/status).

The bus thread that notices a device answer again or fall silent must go on polling the line,
so the reports leave from a thread of their own, one at a time and in order (a device that
flaps ends as the server's last word says). A report that fails is only logged: the next change
reports again, and a supervisor who sees nothing can still look at the device.
"""

from __future__ import annotations

import logging
import queue
import threading

from .hall_errors import HallError
from .hall_http import HallHttp
from .i18n import message

log = logging.getLogger(__name__)


class SerialDeviceReporter:
    def __init__(self, hall: HallHttp, port: str) -> None:
        self.hall, self.port = hall, port
        self._reports: queue.Queue[tuple[str, str, str, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="device-status", daemon=True)
        self._thread.start()

    def online(self, device: str, kind: str, address: int, online: bool) -> None:
        """Report ``device`` (e.g. "window-2/keypad") at bus ``address`` up or down; returns at once."""
        detail = message("terminal.bridge_device", address=address, port=self.port)
        self._reports.put((device, kind, "ok" if online else "offline", detail))

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued (for up to ``timeout`` seconds), then stop."""
        self._reports.put(None)
        self._thread.join(timeout)

    def _work(self) -> None:
        while (report := self._reports.get()) is not None:
            device, kind, state, detail = report
            try:
                self.hall.report_device(device, kind, state, detail)
            except HallError as exc:
                log.warning("device status of %s not reported: %s", device, exc)
