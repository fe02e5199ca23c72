"""A small Server-Sent Events client for bridges: reconnects and resumes with Last-Event-ID."""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

import httpx

log = logging.getLogger(__name__)


class EventFollower:
    """Calls ``on_event(type, data)`` for every event of ``/api/v1/events`` (on its own thread)."""

    def __init__(self, server: str, token: str, on_event: Callable[[str, dict], None],
                 params: dict[str, str] | None = None, on_connect: Callable[[], None] | None = None,
                 retry_seconds: float = 2.0) -> None:
        self.url = server.rstrip("/") + "/api/v1/events"
        self.token = token
        self.on_event = on_event
        self.on_connect = on_connect
        self.params = params or {}
        self.retry_seconds = retry_seconds
        self.last_id: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._response: httpx.Response | None = None

    def start(self) -> "EventFollower":
        self._thread = threading.Thread(target=self._run, name="sse-follower", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        response = self._response
        if response is not None:
            try:
                response.close()  # usually unblocks the reader; if not, the daemon thread ends
            except Exception:     # with the next keep-alive or when the server closes the stream
                pass
        if self._thread:
            self._thread.join(1)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow()
            except Exception as exc:  # the server restarts, the network drops: try again
                if not self._stop.is_set():
                    log.warning("event stream interrupted: %s", exc)
            self._stop.wait(self.retry_seconds)

    def _follow(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        if self.last_id:
            headers["Last-Event-ID"] = self.last_id
        timeout = httpx.Timeout(10.0, read=60.0)
        with httpx.stream("GET", self.url, headers=headers, params=self.params, timeout=timeout) as response:
            self._response = response
            response.raise_for_status()
            if self.on_connect:
                self.on_connect()
            event_type, data, event_id = "message", [], None
            for line in response.iter_lines():
                if self._stop.is_set():
                    return
                if line == "":
                    if data:
                        if event_id:
                            self.last_id = event_id
                        try:
                            self.on_event(event_type, json.loads("\n".join(data)))
                        except Exception:
                            log.exception("bridge failed to handle %s", event_type)
                    event_type, data, event_id = "message", [], None
                elif line.startswith(":"):
                    continue
                else:
                    field, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if field == "event":
                        event_type = value
                    elif field == "data":
                        data.append(value)
                    elif field == "id":
                        event_id = value
