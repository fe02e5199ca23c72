"""Following the hall server's events for the kiosk: the shared SSE client on a thread.

The stream also tells the kiosk whether the server is reachable: a dropped stream means
"offline" (the screen says so), a reopened one "online" again; the client resumes from
the last event id, so nothing is missed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hall_common.sse_client import AuthError
from hall_common.sse_client import EventStream as SharedStream

log = logging.getLogger(__name__)

ONLINE, OFFLINE, UNAUTHORIZED = "online", "offline", "unauthorized"
KIOSK_EVENTS = (
    "hall.status",
    "ticket.issued",
    "ticket.called",
    "ticket.no_show",
    "ticket.finished",
    "ticket.cancelled",
)


class EventStream:
    def __init__(
        self,
        server: str,
        token: str,
        on_event: Callable[[str, dict], None],
        on_state: Callable[[str], None],
        *,
        read_timeout: float = 40.0,
        retry: float = 0.2,
        max_retry: float = 3.0,
    ) -> None:
        # read_timeout > the server's keep-alive interval (15 s): silence that long means a dead link.
        self._on_event, self._on_state = on_event, on_state
        self.state: str | None = None
        self._stream = SharedStream(
            server,
            token,
            types=KIOSK_EVENTS,
            retry=retry,
            max_retry=max_retry,
            read_timeout=read_timeout,
            on_state=lambda up, _detail: self._set_state(ONLINE if up else OFFLINE),
        )
        self._thread = threading.Thread(target=self._run, name="kiosk-sse", daemon=True)

    @property
    def last_event_id(self) -> int | None:
        return self._stream.last_event_id

    def start(self) -> EventStream:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stream.close()
        self._thread.join(timeout=3)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._on_state(state)

    def _run(self) -> None:
        try:
            for event in self._stream.events():
                self._on_event(event.type, event.data)
        except AuthError:
            self._set_state(UNAUTHORIZED)
