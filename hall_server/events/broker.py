"""Fan-out of stored events to live subscribers in this process.

Events committed by this process are handed over by the committing thread
(``publish``) and go straight to the matching subscribers' queues, in id order,
without being read back from the database. Events of other processes are read by
one pump thread, so 200 boards cost one query per batch, not 200; it wakes on
PostgreSQL NOTIFY, when a local event arrives after a gap (someone else's event
lies between), and otherwise polls (other processes on SQLite, or a lost
notification) every ``poll_seconds``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.errors import Unavailable
from ..storage.database import NOTIFY_CHANNEL, Database
from ..storage.event_log import StoredEvent, events_after, last_event_id
from .stream import EventStream, Replay

log = logging.getLogger(__name__)
SUBSCRIBER_BACKLOG = 10_000  # a subscriber this far behind is cut off; it reconnects and replays
# Open streams allowed per process, in total and per token. A hall has a few boards, one
# terminal and one pad per window, a kiosk and an announcer: tens of streams. One stream
# costs about 50 kB and no thread (see hall_server/events/stream.py), so the total guards
# memory and fan-out time rather than threads; the per-token cap keeps one leaked token
# (the board's is in the TV's URL) from taking the whole total.
MAX_STREAMS = 1000
MAX_STREAMS_PER_TOKEN = 50
# And per client address, below the token's cap: whoever copies the board's URL onto one
# machine cannot take the 50 places the real TVs on that token need. A board PC drives one or
# two screens, a clerk's PC a terminal and maybe a supervisor page: 8 leaves room.
MAX_STREAMS_PER_ADDRESS = 8


@dataclass(eq=False)
class Subscription:
    hall_id: int
    window: int | None = None
    types: frozenset[str] = frozenset()
    queue: queue.SimpleQueue[StoredEvent | None] = field(default_factory=queue.SimpleQueue)
    overflowed: bool = False
    owner: object = None  # what the per-owner cap counts (the token)
    address: str | None = None  # the client's address, for the per-address cap
    # Called after each put by the broker's threads: wakes a stream waiting on an event loop.
    waker: Callable[[], object] | None = None

    def wants(self, e: StoredEvent) -> bool:
        if e.hall_id != self.hall_id:
            return False
        if self.window is not None and e.window_number is not None and e.window_number != self.window:
            return False
        return not self.types or e.type in self.types


class EventBroker:
    def __init__(
        self,
        db: Database,
        poll_seconds: float = 0.25,
        max_streams: int = MAX_STREAMS,
        max_streams_per_owner: int = MAX_STREAMS_PER_TOKEN,
        max_streams_per_address: int = MAX_STREAMS_PER_ADDRESS,
    ) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self.max_streams, self.max_streams_per_owner = max_streams, max_streams_per_owner
        self.max_streams_per_address = max_streams_per_address
        self._subs: set[Subscription] = set()
        self._per_owner: Counter[object] = Counter()
        self._per_address: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        # Local events that arrived ahead of a missing id, waiting for it (id -> event).
        self._early: dict[int, StoredEvent] = {}
        with db.read() as conn:
            self.position = last_event_id(conn)

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        pump = threading.Thread(target=self._pump, name="event-pump", daemon=True)
        self._threads.append(pump)
        if not self.db.is_sqlite:
            self._threads.append(threading.Thread(target=self._listen, name="event-listen", daemon=True))
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        with self._lock:
            for sub in self._subs:
                sub.queue.put(None)
                if sub.waker is not None:
                    sub.waker()
        for t in self._threads:
            t.join(timeout=2)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def publish(self, events: list[StoredEvent]) -> None:
        """Events this process has just committed (called by the committing thread)."""
        with self._lock:
            for e in events:
                if e.id > self.position:
                    self._early[e.id] = e
            self._deliver_in_order()
            if self._early:
                # An id in between is not ours (another process, or a rolled-back sequence
                # value on PostgreSQL): the pump reads what was committed up to here.
                self._wake.set()

    # --- subscribers ----------------------------------------------------------------------
    def subscribe(
        self,
        hall_id: int,
        window: int | None = None,
        types: frozenset[str] = frozenset(),
        owner: object = None,
        address: str | None = None,
    ) -> tuple[Subscription, int]:
        """Register a subscriber; returns it and the id up to which it must replay from the database.

        Raises Unavailable (503) beyond the caps: the client's reconnect delay retries later."""
        sub = Subscription(hall_id, window, types, owner=owner, address=address)
        with self._lock:
            if len(self._subs) >= self.max_streams:
                raise Unavailable("too_many_streams", limit=self.max_streams)
            if address is not None and self._per_address[address] >= self.max_streams_per_address:
                raise Unavailable("too_many_streams_address", limit=self.max_streams_per_address)
            if owner is not None and self._per_owner[owner] >= self.max_streams_per_owner:
                raise Unavailable("too_many_streams_token", limit=self.max_streams_per_owner)
            self._subs.add(sub)
            if owner is not None:
                self._per_owner[owner] += 1
            if address is not None:
                self._per_address[address] += 1
            return sub, self.position

    def open_stream(
        self,
        hall_id: int,
        window: int | None,
        types: frozenset[str],
        owner: object,
        last: int | None,
        heartbeat: float,
        replay: Replay,
        address: str | None = None,
    ) -> EventStream:
        """Subscribe (within the caps) and return the stream: replay after ``last``, then live events."""
        sub, position = self.subscribe(hall_id, window, types, owner, address)
        return EventStream(self, sub, position, last, heartbeat, replay)

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)
                if sub.owner is not None:
                    self._per_owner[sub.owner] -= 1
                    if not self._per_owner[sub.owner]:
                        del self._per_owner[sub.owner]
                if sub.address is not None:
                    self._per_address[sub.address] -= 1
                    if not self._per_address[sub.address]:
                        del self._per_address[sub.address]

    @property
    def subscriber_count(self) -> int:
        return len(self._subs)

    # --- threads --------------------------------------------------------------------------
    def _pump(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            try:
                self._deliver_new()
            except Exception:  # the database may be restarting; keep the boards alive
                log.exception("event pump failed; retrying")
                self._stop.wait(1.0)

    def _deliver_new(self) -> None:
        while True:
            with self.db.read() as conn:
                batch = events_after(conn, self.position, limit=500)
            with self._lock:
                for e in batch:
                    if e.id > self.position:  # a local event may have been handed over meanwhile
                        self._fan_out(e)
                        self.position = e.id
                for event_id in [i for i in self._early if i <= self.position]:
                    del self._early[event_id]
                self._deliver_in_order()
            if not batch:
                return

    def _deliver_in_order(self) -> None:
        """Deliver held-back local events that now follow on from the position (lock held)."""
        while self._early:
            e = self._early.pop(self.position + 1, None)
            if e is None:
                return
            self._fan_out(e)
            self.position = e.id

    def _fan_out(self, e: StoredEvent) -> None:
        for sub in self._subs:
            if sub.wants(e):
                if sub.overflowed:
                    continue
                if sub.queue.qsize() >= SUBSCRIBER_BACKLOG:
                    sub.overflowed = True
                    sub.queue.put(None)
                else:
                    sub.queue.put(e)
                if sub.waker is not None:
                    sub.waker()

    def _listen(self) -> None:
        """PostgreSQL only: LISTEN so that events committed by other processes arrive at once."""
        import psycopg

        url = self.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._wake.set()  # catch up on anything sent while not listening
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self._wake.set()
            except Exception:
                log.exception("LISTEN connection lost; reconnecting")
                self._stop.wait(1.0)
