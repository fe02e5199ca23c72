"""Event following for the serial bridges: the shared SSE client on a thread of its own."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hall_common.hall_errors import HallStatusError
from hall_common.sse_client import AuthError, EventStream

log = logging.getLogger(__name__)


class EventFollower:
    """Calls ``on_event(type, data)`` for every event (on its own thread), and ``on_connect()``
    each time the stream (re)opens, so a bridge can resynchronise its devices."""

    def __init__(
        self,
        server: str,
        token: str,
        on_event: Callable[[str, dict], None],
        params: dict[str, str] | None = None,
        on_connect: Callable[[], None] | None = None,
        retry_seconds: float = 2.0,
    ) -> None:
        params = params or {}
        self.on_event, self.on_connect = on_event, on_connect
        self.stream = EventStream(
            server,
            token,
            types=tuple(t for t in params.get("types", "").split(",") if t),
            window=int(params["window"]) if params.get("window") else None,
            retry=retry_seconds,
            max_retry=max(retry_seconds, 10.0),
            on_state=self._on_state,
        )
        self._thread: threading.Thread | None = None

    def _on_state(self, connected: bool, _detail: str) -> None:
        if not (connected and self.on_connect):
            return
        try:
            self.on_connect()
        except HallStatusError as exc:
            # Refused or failed (a HallUnavailable instead drops the stream, which syncs again
            # on its next connection): the events that follow keep the devices current.
            log.warning("bridge could not show the present state: %s", exc)

    def start(self) -> EventFollower:
        self._thread = threading.Thread(target=self._run, name="sse-follower", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stream.stop()
        if self._thread:
            self._thread.join(1)

    def _run(self) -> None:
        try:
            for event in self.stream.events():
                try:
                    self.on_event(event.type, event.data)
                except Exception:  # one bad event must not stop the bridge
                    log.exception("bridge failed to handle %s", event.type)
        except AuthError as exc:
            log.error("event stream refused: %s", exc)
