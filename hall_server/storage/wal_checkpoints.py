"""SQLite WAL checkpoints on a background thread of the server process.

By default SQLite checkpoints inside whichever commit pushes the WAL past 1000 pages,
and with synchronous=NORMAL that commit also pays two fsyncs: every few seconds under a
kiosk burst one ticket took tens of milliseconds. The server turns automatic checkpoints
off on its own connections and runs them here instead.

A passive checkpoint never waits for anyone, but while tickets keep coming it never
catches up with the end of the log, so the log would only grow. Once the log passes
``reset_frames``, the checkpoint copies what it can, then holds this process's writers
(``pause_writers``) for the few pages written meanwhile: the log is then fully copied
and the next write starts it over. If the log still grows past ``restart_frames`` (other
processes writing, a reader that never ends), one RESTART checkpoint waits for them.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

log = logging.getLogger(__name__)


class WalCheckpointer:
    def __init__(
        self,
        path: str,
        pause_writers: Callable[[], AbstractContextManager] = contextlib.nullcontext,
        interval_seconds: float = 1.0,
        reset_frames: int = 4_000,
        restart_frames: int = 100_000,
    ) -> None:
        self.path = path
        self.pause_writers = pause_writers
        self.interval = interval_seconds
        self.reset_frames = reset_frames
        self.restart_frames = restart_frames
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def checkpoint(self, conn: sqlite3.Connection) -> tuple[int, int]:
        """One round; returns (frames in the log, frames copied to the database)."""
        frames, copied = self._run_checkpoint(conn, "PASSIVE")
        if copied < frames and frames > self.reset_frames:
            with self.pause_writers():
                frames, copied = self._run_checkpoint(conn, "PASSIVE")
        if copied < frames and frames > self.restart_frames:
            frames, copied = self._run_checkpoint(conn, "RESTART")
        return frames, copied

    @staticmethod
    def _run_checkpoint(conn: sqlite3.Connection, mode: str) -> tuple[int, int]:
        _busy, frames, copied = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return frames, copied

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.checkpoint(conn)
                except sqlite3.Error:  # busy or a disk hiccup: the next round tries again
                    log.warning("WAL checkpoint failed; retrying", exc_info=True)
            self.checkpoint(conn)
        finally:
            conn.close()
