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

import httpx

from hall_common.i18n import message

from .announcer import Announcement

log = logging.getLogger(__name__)
RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)  # ~15 s in all: later, 过号 has long been decided


class AnnouncementReporter:
    def __init__(
        self, server: str, token: str, device: str = "announcer", say: Callable[[str], None] | None = None
    ) -> None:
        self.url = f"{server.rstrip('/')}/api/v1/announcements"
        self.device = device
        self.say = say or (lambda text: None)
        self._client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=5)
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
        self._client.close()

    def _work(self) -> None:
        while (a := self._queue.get()) is not None:
            self._send(a)

    def _send(self, a: Announcement) -> None:
        for delay in (*RETRY_SECONDS, None):
            try:
                response = self._client.post(self.url, json={"event_id": a.event_id, "device": self.device})
                if response.status_code < 500:
                    if response.status_code >= 400:  # refused for a reason retrying will not change
                        log.warning("announcement report %s refused: %s", a.event_id, response.text[:300])
                    return
                error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = str(exc) or type(exc).__name__
            if delay is None or self._stop.wait(delay):
                self.say(message("announcer.report_failed", number=a.number, error=error))
                return
