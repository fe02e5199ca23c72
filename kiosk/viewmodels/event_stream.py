"""Following the hall server's Server-Sent Events in a background thread, reconnecting by itself.

The stream tells the kiosk whether the server is reachable: a dropped stream that
cannot be reopened means "offline" (the screen says so), a reopened one "online"
again, resuming from the last event id so nothing is missed.
"""
from __future__ import annotations

import json
import logging
import threading
from typing import Callable

import httpx

log = logging.getLogger(__name__)

ONLINE, OFFLINE, UNAUTHORIZED = "online", "offline", "unauthorized"


class EventStream:
    def __init__(self, request: Callable[[int | None], tuple[str, dict[str, str]]],
                 on_event: Callable[[str, dict], None], on_state: Callable[[str], None], *,
                 connect_timeout: float = 2.0, read_timeout: float = 40.0,
                 backoff: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 3.0)) -> None:
        # read_timeout > the server's keep-alive interval (15 s): silence that long means a dead link.
        self._request, self._on_event, self._on_state = request, on_event, on_state
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._backoff = backoff
        self._stop = threading.Event()
        self._response: httpx.Response | None = None
        self.last_event_id: int | None = None
        self.state: str | None = None
        self._thread = threading.Thread(target=self._run, name="kiosk-sse", daemon=True)

    def start(self) -> "EventStream":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        response = self._response
        if response is not None:
            try:
                response.close()
            except Exception:  # noqa: BLE001 - closing from another thread may race; we are stopping anyway
                pass
        self._thread.join(timeout=3)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._on_state(state)

    def _run(self) -> None:
        failures = 0
        with httpx.Client(timeout=self._timeout) as http:
            while not self._stop.is_set():
                url, headers = self._request(self.last_event_id)
                try:
                    with http.stream("GET", url, headers=headers) as response:
                        self._response = response
                        if response.status_code in (401, 403):
                            self._set_state(UNAUTHORIZED)
                        elif response.status_code == 200:
                            failures = 0
                            self._set_state(ONLINE)
                            self._read(response)
                        else:
                            self._set_state(OFFLINE)
                except (httpx.HTTPError, OSError) as exc:
                    log.info("event stream: %s", exc)
                    if not self._stop.is_set():
                        # The first failure after a dropped stream retries at once; a second says offline.
                        if failures >= 1 or self.state != ONLINE:
                            self._set_state(OFFLINE)
                finally:
                    self._response = None
                failures += 1
                delay = self._backoff[min(failures, len(self._backoff)) - 1] if failures else 0
                self._stop.wait(delay)

    def _read(self, response: httpx.Response) -> None:
        event_type, data, event_id = "message", [], None
        for line in response.iter_lines():
            if self._stop.is_set():
                return
            if line == "":
                if data:
                    if event_id is not None:
                        self.last_event_id = event_id
                    try:
                        self._on_event(event_type, json.loads("\n".join(data)))
                    except ValueError:
                        log.warning("event stream: bad JSON in %s", event_type)
                event_type, data, event_id = "message", [], None
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event_type = value
            elif name == "data":
                data.append(value)
            elif name == "id" and value.isdigit():
                event_id = int(value)
