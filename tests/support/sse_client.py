"""A minimal SSE reader for tests (the real clients live in the client packages)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import httpx

from .waiting import poll


@dataclass
class Received:
    events: list[dict] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, predicate, timeout: float = 15.0) -> bool:
        def seen() -> bool:
            with self.lock:
                return bool(predicate(self.events))

        return bool(poll(seen, timeout))


def read_events(
    url: str,
    token: str,
    received: Received,
    stop: threading.Event,
    last_event_id: int | None = None,
    params: dict | None = None,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    try:
        _read(url, headers, received, stop, params)
    except httpx.HTTPError:
        return  # the server went away; the test decides whether that matters


def _read(url, headers, received, stop, params) -> None:
    with httpx.stream("GET", url, headers=headers, params=params or {}, timeout=httpx.Timeout(5, read=60)) as r:
        received.ready.set()
        event: dict = {}
        for line in r.iter_lines():
            if stop.is_set():
                return
            if line.startswith("id: "):
                event["id"] = int(line[4:])
            elif line.startswith("event: "):
                event["type"] = line[7:]
            elif line.startswith("data: "):
                event["data"] = json.loads(line[6:])
            elif line == "" and event:
                with received.lock:
                    received.events.append(event)
                event = {}


def start_reader(url: str, token: str, **kw) -> tuple[Received, threading.Event, threading.Thread]:
    received, stop = Received(), threading.Event()
    t = threading.Thread(target=read_events, args=(url, token, received, stop), kwargs=kw, daemon=True)
    t.start()
    assert received.ready.wait(10), "event stream did not open"
    return received, stop, t
