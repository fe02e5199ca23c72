"""Sliding-window counters per key (a client address, a staff number at an address), bounded in memory.

Used before anything expensive happens (a password hash, a database read for a public lookup):
the key's recent attempts are counted and the caller is refused while it is over the limit.
Memory stays bounded whatever an attacker sends: at most ``max_keys`` keys are remembered and
the least recently used is forgotten first (forgetting only ever lets one more attempt through).

In memory, per process: right for the high-volume limits that guard no secret (slot lookups,
bookings per address, log-ins per address before hashing), where a miss in another process only
lets some more load through and a database write per request would cost more than the lookup it
guards (an fsync per check on SQLite FULL). Tries at a secret (appointment codes, case query
codes, phone tails) are counted in the database instead (storage/guess_limits.py), shared by
every server process and kept across restarts; both answer ``Limiter.hit``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Hashable
from datetime import datetime
from typing import Protocol

from .errors import TooManyRequests


class Limiter(Protocol):
    def hit(self, key: str, now: float) -> float:
        """Count one attempt by ``key`` at ``now`` (epoch seconds): 0 when allowed, else the
        seconds to wait (the refused attempt is not counted)."""
        ...


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float, max_keys: int = 4096) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._hits: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            hits = deque()
            self._hits[key] = hits
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def retry_after(self, key: Hashable, now: float) -> float:
        """Seconds until ``key`` may try again; 0 when it may now (nothing is counted or remembered)."""
        with self._lock:
            if key not in self._hits:
                return 0.0
            hits = self._recent(key, now)
            if len(hits) < self.limit:
                return 0.0
            return max(0.0, hits[0] + self.window - now)

    def hit(self, key: Hashable, now: float) -> float:
        """Count one attempt; returns 0 when allowed, else the seconds to wait (the attempt is not counted)."""
        with self._lock:
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                return max(0.0, hits[0] + self.window - now)
            hits.append(now)
            return 0.0

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._hits.pop(key, None)

    def __len__(self) -> int:
        return len(self._hits)


def throttle(limiter: Limiter, key: str, now: datetime, code: str) -> None:
    """Count one try by ``key``; refuse it (429, with the seconds to wait) while over the limit."""
    wait = limiter.hit(key, now.timestamp())
    if wait:
        seconds = int(wait) + 1
        raise TooManyRequests(code, seconds=seconds).with_details(retry_after_seconds=seconds)
