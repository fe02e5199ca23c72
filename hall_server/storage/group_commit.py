"""Group commit for SQLite: one WAL fsync acknowledges every commit made while the last one ran.

With ``synchronous=FULL`` every commit fsyncs the WAL while it holds SQLite's only write lock,
so a hall PC whose disk takes ~5 ms per fsync acknowledges ~200 writes a second at most, and
a burst of kiosks queues behind the disk. Here writers commit with ``synchronous=NORMAL`` (no
fsync) and then wait, before anyone is told "done", until the WAL is fsynced past their commit.
The first waiter leads: it commits a one-page write on its own connection opened with
``synchronous=FULL``, and that commit's fsync covers every frame written before it (an fsync
is per file). Whoever committed meanwhile waits for the next one, so under load one fsync
acknowledges a whole group. The fsync goes through SQLite (its VFS), as FULL's does: the
power-loss test's fault-injecting file layer sees exactly what a power cut would keep.

What is committed but not yet acknowledged is visible to readers (as with NORMAL); what was
acknowledged survives a power cut (as with FULL).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from contextlib import AbstractContextManager

GATHER_SECONDS = 0.002  # the longest a leader waits for transactions under way to commit


class GroupCommit:
    def __init__(self, path: str, gate: AbstractContextManager | None = None) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints stay with the writers or their thread
        self._gate = gate if gate is not None else contextlib.nullcontext()
        self._cond = threading.Condition()
        self._committed = 0  # commits made through this process so far
        self._in_flight = 0  # write transactions begun (or waiting to begin) and not yet ended
        self._synced = 0  # of those, how many an fsync has covered
        self._leading = False
        self._flip = 0

    def begin(self) -> None:
        """Called before a write transaction waits for the write lock."""
        with self._cond:
            self._in_flight += 1

    def committed(self) -> int:
        """Called right after a commit: the ticket to wait for."""
        with self._cond:
            self._in_flight -= 1
            self._committed += 1
            self._cond.notify_all()
            return self._committed

    def abandoned(self) -> None:
        """Called when a write transaction ended without a commit."""
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()

    def wait(self, seq: int) -> None:
        """Return once commit ``seq`` is on disk (leading an fsync if nobody is)."""
        with self._cond:
            while self._synced < seq:
                if self._leading:
                    self._cond.wait()
                    continue
                self._leading = True
                # Let the transactions already under way commit first (a short, bounded wait), so
                # that they ride on this fsync instead of queueing behind it for the next.
                deadline = time.monotonic() + GATHER_SECONDS
                while self._in_flight > 0 and (left := deadline - time.monotonic()) > 0:
                    self._cond.wait(left)
                target = self._committed  # this fsync covers every commit made until now
                self._cond.release()
                done = False
                try:
                    self._sync()
                    done = True
                finally:
                    self._cond.acquire()
                    self._leading = False
                    self._cond.notify_all()
                if done:
                    self._synced = max(self._synced, target)

    def _sync(self) -> None:
        # A one-page change (the header's user_version, which nothing else uses) committed with
        # FULL: SQLite fsyncs the WAL, and with it every frame written before this one.
        self._flip ^= 1
        with self._gate:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute(f"PRAGMA user_version = {self._flip}")
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._conn.close()
