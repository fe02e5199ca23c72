"""Guess limits kept in the database: the tries at a secret (an appointment code with a phone
tail, a case's query code, a case number with a phone tail, a staff member's password) counted
where every server process sees them, and kept across restarts.

The in-memory ``core.rate_limit.SlidingWindowLimiter`` counts per process: on PostgreSQL a hall
may run several server processes, each of which would grant a guesser the whole limit, and a
restart forgets every count. Here each counted try is a row of ``guess_hits`` that stops
counting at ``expires_at`` (a sliding window, as in memory), and both limiters answer the same
``hit(key, now)``, so a service does not care which one it holds.

Correct under concurrency, in one write transaction per counted try: on SQLite the transaction
begins IMMEDIATE, so writers of every process take turns; on PostgreSQL it first takes a
transaction advisory lock on the (scope, key), so two processes counting the same caller take
turns and the second one's count (READ COMMITTED: a fresh snapshot per statement, taken after
the lock) sees the first one's row. Without the lock both could count 19 of 20 and both insert.

How big the table gets: a refused try writes nothing, so a key holds at most ``limit`` live rows
per scope (20 per address guessing appointment codes); expired rows are deleted at most
PRUNE_EVERY seconds after they expire. So the table holds at most the tries *accepted* in the
last (window + PRUNE_EVERY) seconds, and a flood of distinct keys (many addresses) is bounded by
the server's write rate: about 1000 transactions/s on SQLite FULL here (bench_hall.py) × 660 s
≈ 660 k rows for the 10-minute code limits, plus wrong passwords, which wait for one of the two
argon2 slots (≤ ~40/s × 960 s ≈ 40 k rows) — at ~100 bytes a row, ≈ 70 MB at the very worst,
all gone 16 minutes after the flood ends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, text

from .database import Database
from .models import GuessHit
from .types import table_of

H = table_of(GuessHit)
PRUNE_EVERY = 60.0  # seconds between deletions of expired rows (per limiter and process)
KEY_LENGTH = 120  # the column's width; keys: "addr:<IPv6>" (≤ 50), "token:<id>", "addr:…|<staff no>" (≤ 83)
# Advisory lock namespaces (PostgreSQL's two-int form, a key space apart from the one-bigint
# EVENT_ORDER_LOCK): one per counted caller (scope and key hashed), one for the pruner.
GUESS_LOCK = 0x59434C4D  # "YCLM"
PRUNE_LOCK = 0x59434C50  # "YCLP"
# Callers this process has seen refused, with until when: only a cache of what the table says
# (a refusal holds until the caller's first try expires), so clearing it when full loses nothing
# but one read per caller.
MAX_REFUSED = 4096


class StoredLimiter:
    """At most ``limit`` tries per key in any ``window_seconds``, counted in the database."""

    def __init__(self, db: Database, scope: str, limit: int, window_seconds: float) -> None:
        self.db = db
        self.scope = scope
        self.limit = limit
        self.window = timedelta(seconds=window_seconds)
        self._next_prune = 0.0
        self._refused: dict[str, float] = {}  # key -> epoch seconds when it may try again

    def hit(self, key: str, now: float) -> float:
        """Count one try; 0 when allowed, else the seconds to wait (a refused try is not counted)."""
        key = key[:KEY_LENGTH]
        at = datetime.fromtimestamp(now, UTC)
        # A caller already at its limit is refused from memory, else on a read: a flood of refused
        # tries never takes SQLite's one write lock from the tickets (a count only falls when its
        # rows expire, so a refusal seen without the lock holds until then).
        wait = self._known_refusal(key, now)
        if not wait:
            with self.db.read() as conn:
                wait = self._wait(conn, key, at)
        if not wait:
            with self.db.write() as conn:
                if not self.db.is_sqlite:
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:ns, hashtext(:k))"),
                        {"ns": GUESS_LOCK, "k": f"{self.scope}:{key}"},
                    )
                wait = self._wait(conn, key, at)  # again, now that no other try at this key can run
                if not wait:
                    conn.execute(insert(H).values(scope=self.scope, key=key, expires_at=at + self.window))
        if wait:
            if len(self._refused) >= MAX_REFUSED:
                self._refused.clear()
            self._refused[key] = now + wait
            return wait
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_EVERY
            self.prune(at)
        return 0.0

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until ``key`` may try again; 0 when it may now (nothing is counted)."""
        key = key[:KEY_LENGTH]
        wait = self._known_refusal(key, now)
        if wait:
            return wait
        with self.db.read() as conn:
            return self._wait(conn, key, datetime.fromtimestamp(now, UTC))

    def forget(self, key: str) -> None:
        """The caller proved it knows the secret: its tries stop counting."""
        self._refused.pop(key[:KEY_LENGTH], None)
        with self.db.write() as conn:
            conn.execute(delete(H).where(H.c.scope == self.scope, H.c.key == key[:KEY_LENGTH]))

    def forget_ending(self, suffix: str) -> None:
        """Every caller whose key ends with ``suffix``: a staff member's wrong passwords from any
        address, once a supervisor has set a new password. (Another server process may still
        refuse from its memory until the caller's first try expires.)"""
        for key in [k for k in self._refused if k.endswith(suffix)]:
            del self._refused[key]
        with self.db.write() as conn:
            conn.execute(delete(H).where(H.c.scope == self.scope, H.c.key.endswith(suffix, autoescape=True)))

    def _known_refusal(self, key: str, now: float) -> float:
        until = self._refused.get(key, 0.0)
        return until - now if until > now else 0.0

    def _wait(self, conn: Connection, key: str, at: datetime) -> float:
        """Seconds until ``key`` may try again at ``at``; 0 while it is under the limit."""
        live = (H.c.scope == self.scope) & (H.c.key == key) & (H.c.expires_at > at)
        count, first_expiry = conn.execute(select(func.count(), func.min(H.c.expires_at)).where(live)).one()
        return max(0.0, (first_expiry - at).total_seconds()) if count >= self.limit else 0.0

    def prune(self, at: datetime) -> int:
        """Delete the tries that no longer count (every scope's). On its own transaction, holding no
        caller's lock; on PostgreSQL one process prunes at a time (two deleting the same rows in
        different orders could deadlock), the others skip it."""
        with self.db.write() as conn:
            if not self.db.is_sqlite:
                pruner = conn.execute(text("SELECT pg_try_advisory_xact_lock(:ns, 0)"), {"ns": PRUNE_LOCK})
                if not pruner.scalar():
                    return 0
            return int(conn.execute(delete(H).where(H.c.expires_at <= at)).rowcount)
