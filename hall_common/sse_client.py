"""The one Server-Sent Events client of the hall's /api/v1/events (announcer, LED bars,
serial bridges), on httpx streaming.

It reconnects by itself and resumes with Last-Event-ID, so a dropped network loses no
event; the caller only sees an endless iterator of ``ServerEvent``. It also keeps the
server's clock (X-Server-Time of every response): devices judge "how old is this call"
by the server's time, never by their own clocks.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from .hall_errors import HallUnavailable, error_from_response

log = logging.getLogger(__name__)


class AuthError(Exception):
    """The server refused the token: retrying cannot help."""


@dataclass(frozen=True)
class ServerEvent:
    id: int | None
    type: str
    data: dict[str, Any]
    received: float = field(default_factory=time.time)  # local wall clock, for latency logs

    @property
    def at(self) -> datetime | None:
        text = self.data.get("at")
        return datetime.fromisoformat(text) if text else None


class ServerClock:
    """The server's time, learned from X-Server-Time headers."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self.synced = False

    def learn(self, response: httpx.Response, sent_at: float | None = None) -> None:
        header = response.headers.get("X-Server-Time")
        if not header:
            return
        try:
            server = datetime.fromisoformat(header)
        except ValueError:
            return
        now = time.time()
        middle = (sent_at + now) / 2 if sent_at is not None else now
        self._offset = server - datetime.fromtimestamp(middle, UTC)
        self.synced = True

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def parse_sse(lines: Iterator[str]) -> Iterator[tuple[str | None, str, str]]:
    """(id, event type, data) for each complete event in a stream of lines (the SSE rules:
    comment lines start with ':', a blank line ends an event, data lines are joined by \\n)."""
    event_id: str | None = None
    event_type, data = "message", list[str]()
    for line in lines:
        if line == "":
            if data:
                yield event_id, event_type, "\n".join(data)
            event_type, data = "message", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "id":
            event_id = value
        elif name == "event":
            event_type = value
        elif name == "data":
            data.append(value)


class EventStream:
    """``for event in EventStream(url, token).events(): ...`` — reconnects forever.

    ``on_state(connected: bool, detail: str)`` reports connection changes (for logs and
    the device's status line); ``retry`` is the first delay, doubling up to ``max_retry``.
    """

    def __init__(
        self,
        server: str,
        token: str,
        *,
        types: tuple[str, ...] = (),
        window: int | None = None,
        last_event_id: int | None = None,
        retry: float = 1.0,
        max_retry: float = 30.0,
        read_timeout: float = 45.0,
        clock: ServerClock | None = None,
        on_state: Callable[[bool, str], None] | None = None,
    ) -> None:
        self.server = server.rstrip("/")
        self.token = token
        self.types = types
        self.window = window
        self.last_event_id = last_event_id
        self.retry, self.max_retry = retry, max_retry
        self.clock = clock or ServerClock()
        self.on_state = on_state
        self._stop = threading.Event()
        self._response: httpx.Response | None = None
        # The server sends a keep-alive comment every ~15 s: a silent minute means a dead line.
        self._client = httpx.Client(
            timeout=httpx.Timeout(10.0, read=read_timeout), headers={"Authorization": f"Bearer {token}"}
        )

    def stop(self) -> None:
        """Stop from another thread: ends events() promptly, even mid-read."""
        self._stop.set()
        response = self._response
        if response is not None:
            try:
                response.close()
            except Exception:
                pass

    def close(self) -> None:
        self.stop()
        self._client.close()

    def pause(self, seconds: float) -> bool:
        """Wait ``seconds`` (e.g. between retries of a call made from on_state) unless stop()
        comes first; True if it did."""
        return self._stop.wait(seconds)

    def events(self) -> Iterator[ServerEvent]:
        delay = self.retry
        while not self._stop.is_set():
            try:
                for event in self._one_connection():
                    delay = self.retry  # data flowed: the next drop starts the back-off again
                    yield event
                detail = "closed by server"
            except AuthError:
                raise
            except (httpx.HTTPError, httpx.StreamError, OSError, HallUnavailable) as exc:
                # HallUnavailable: a call made from on_state (a device showing the present state
                # on connect) found no server; it runs again on the next connection.
                detail = str(exc) or type(exc).__name__
            if self._stop.is_set():
                return
            if self.on_state:
                self.on_state(False, f"{detail}|{delay:g}")
            self._stop.wait(delay)
            delay = min(self.max_retry, delay * 2)

    def _one_connection(self) -> Iterator[ServerEvent]:
        params = {"types": ",".join(self.types)} if self.types else {}
        if self.window is not None:
            params["window"] = str(self.window)
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = str(self.last_event_id)
        sent = time.time()
        with self._client.stream("GET", f"{self.server}/api/v1/events", params=params, headers=headers) as response:
            self._response = response
            try:
                self.clock.learn(response, sent)
                if response.status_code in (401, 403):
                    response.read()
                    raise AuthError(_error_message(response))
                response.raise_for_status()
                if self.on_state:
                    self.on_state(True, str(self.last_event_id if self.last_event_id is not None else "-"))
                for raw_id, event_type, data in parse_sse(response.iter_lines()):
                    try:
                        payload = json.loads(data)
                    except ValueError:
                        log.warning("ignoring an event whose data is not JSON: %r", data[:200])
                        continue
                    event_id = int(raw_id) if raw_id and raw_id.isdigit() else None
                    if event_id is not None:
                        self.last_event_id = event_id
                    yield ServerEvent(event_id, event_type, payload)
            finally:
                self._response = None


def _error_message(response: httpx.Response) -> str:
    return error_from_response(response).text or f"HTTP {response.status_code}"
