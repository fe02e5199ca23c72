"""One subscriber's event stream: replay from the database, then live events from the broker.

The same stream runs two ways. ``yichuang serve`` runs it on the worker's event loop
(``run_async``): an open board, terminal or pad then costs about 50 kB and no
thread, so 300 streams cannot starve the threads that issue and call tickets. Under a
plain WSGI server (the tests' threaded server) it is iterated on the request's thread.
Both ways: replay up to the broker's position at subscription, then live events,
dropping any id already sent, so nothing is missed and nothing is sent twice; a
comment line every ``heartbeat`` seconds keeps proxies and clients from timing out.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..storage.event_log import StoredEvent

if TYPE_CHECKING:  # the broker builds streams (EventBroker.open_stream)
    from .broker import EventBroker, Subscription

# WSGI environ key under which the route leaves the stream for a server that runs it async.
ASYNC_STREAM_KEY = "yichuang.event_stream"
T = TypeVar("T")


class RunBlocking(Protocol):
    """Runs a blocking call (a database read) off the event loop; its result is awaited."""

    def __call__(self, fn: Callable[[], T], /) -> Awaitable[T]: ...


# Reads up to a batch of stored events after the given id, for this stream's hall.
Replay = Callable[[int], list[StoredEvent]]


class EventStream:
    ENVIRON_KEY = ASYNC_STREAM_KEY

    def __init__(
        self, broker: EventBroker, sub: Subscription, position: int, last: int | None, heartbeat: float, replay: Replay
    ) -> None:
        self.broker, self.sub, self.position, self.last = broker, sub, position, last
        self.heartbeat, self.replay = heartbeat, replay
        self.sent = position if last is None else last
        self.preamble = f"retry: 2000\n: connected, hall {sub.hall_id}, from {self.sent}\n\n"
        self._closed = False
        # The frame of an event for this caller (visibility.py: public devices get their fields
        # only; None skips the event). Every event whole unless the route sets it.
        self.frame: Callable[[StoredEvent], str | None] = lambda e: e.sse

    def close(self) -> None:
        """Release the subscription (idempotent); every way a stream ends passes here."""
        if not self._closed:
            self._closed = True
            self.broker.unsubscribe(self.sub)

    # --- shared steps ---------------------------------------------------------------------
    def _replay_batch(self) -> list[str] | None:
        """The next replayed chunks, or None once the replay has reached the subscription point."""
        if self.last is None or self.sent >= self.position:
            return None
        batch = [e for e in self.replay(self.sent) if e.id <= self.position]
        if not batch:
            return None
        self.sent = batch[-1].id
        return [f for e in batch if self.sub.wants(e) and (f := self.frame(e)) is not None]

    def _live(self, e: StoredEvent) -> str | None:
        if e.id <= self.sent:
            return None
        self.sent = e.id
        return self.frame(e)

    # --- on a thread (plain WSGI) ---------------------------------------------------------
    def __iter__(self) -> Iterator[str]:
        try:
            yield self.preamble
            while (chunks := self._replay_batch()) is not None:
                yield from chunks
            self.sent = max(self.sent, self.position)
            while not self.broker.stopped:
                try:
                    e = self.sub.queue.get(timeout=self.heartbeat)
                except queue.Empty:
                    yield ": keep-alive\n\n"
                    continue
                if e is None:  # broker stopping, or this subscriber fell too far behind
                    return
                if (chunk := self._live(e)) is not None:
                    yield chunk
        finally:
            self.close()

    # --- on the event loop (yichuang serve) -----------------------------------------------
    async def run_async(self, run_blocking: RunBlocking) -> AsyncGenerator[str, None]:
        wake = asyncio.Event()
        # Called by the broker's threads after each put: wake this coroutine on its loop.
        self.sub.waker = partial(_wakeups(asyncio.get_running_loop()).wake, wake)
        try:
            yield self.preamble
            while (chunks := await run_blocking(self._replay_batch)) is not None:
                for chunk in chunks:
                    yield chunk
            self.sent = max(self.sent, self.position)
            while not self.broker.stopped:
                # Clear before draining: a put after the drain schedules wake.set() after this.
                wake.clear()
                drained = False
                while True:
                    try:
                        e = self.sub.queue.get_nowait()
                    except queue.Empty:
                        break
                    drained = True
                    if e is None:
                        return
                    if (live := self._live(e)) is not None:
                        yield live
                if drained:
                    continue
                try:
                    await asyncio.wait_for(wake.wait(), self.heartbeat)
                except TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            self.sub.waker = None
            self.close()


class _LoopWakeups:
    """Wakes streams of one event loop from other threads, one loop callback per burst.

    One event fanned out to 300 streams would otherwise cost 300 call_soon_threadsafe
    (each a write to the loop's self-pipe) inside the committing thread's write gate."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._lock = threading.Lock()
        self._pending: list[asyncio.Event] = []

    def wake(self, event: asyncio.Event) -> None:
        with self._lock:
            self._pending.append(event)
            if len(self._pending) > 1:
                return  # a callback is already scheduled and will see this one
        self.loop.call_soon_threadsafe(self._run)

    def _run(self) -> None:
        with self._lock:
            events, self._pending = self._pending, []
        for event in events:
            event.set()


_BY_LOOP: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopWakeups] = weakref.WeakKeyDictionary()


def _wakeups(loop: asyncio.AbstractEventLoop) -> _LoopWakeups:
    found = _BY_LOOP.get(loop)
    if found is None:
        found = _BY_LOOP[loop] = _LoopWakeups(loop)
    return found
