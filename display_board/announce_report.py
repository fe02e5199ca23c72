"""Tells the hall server which calls were really heard (过号 waits for them; docs/voice.md).

One background thread posts each spoken call's event id to ``POST /api/v1/announcements``. The
audio never waits for the network; a report that fails is tried again a few times (the route is
idempotent, and a second announcer reporting the same call is not counted twice).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from hall_common.hall_errors import HallError, HallRefused
from hall_common.hall_http import HallHttp
from hall_common.i18n import message

from .announcer import Announcement

log = logging.getLogger(__name__)
RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)  # ~15 s in all: later, 过号 has long been decided


class AnnouncementReporter:
    def __init__(
        self, server: str, token: str, device: str = "announcer", say: Callable[[str], None] | None = None
    ) -> None:
        self.device = device
        self.say = say or (lambda text: None)
        self._hall = HallHttp(server, token, connect_timeout=5, read_timeout=5)
        self._queue: queue.Queue[Announcement | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="announcement-reports", daemon=True)
        self._thread.start()

    def __call__(self, a: Announcement) -> None:
        if a.event_id is not None:
            self._queue.put(a)

    def close(self, timeout: float = 10.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)
        self._stop.set()
        self._hall.close()

    def _work(self) -> None:
        while (a := self._queue.get()) is not None:
            self._send(a)

    def _send(self, a: Announcement) -> None:
        for delay in (*RETRY_SECONDS, None):
            try:
                self._hall.post("/announcements", {"event_id": a.event_id, "device": self.device})
                return
            except HallRefused as exc:  # refused for a reason retrying will not change
                log.warning("announcement report %s refused: %s %s", a.event_id, exc.code, exc.text)
                return
            except HallError as exc:  # no answer, or the server failed: try again
                error = f"HTTP {exc.status}" if exc.status else exc.text
            if delay is None or self._stop.wait(delay):
                self.say(message("announcer.report_failed", number=a.number, error=error))
                return
