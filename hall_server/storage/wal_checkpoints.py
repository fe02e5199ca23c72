"""SQLite WAL checkpoints on a background thread of the server process.

By default SQLite checkpoints inside whichever commit pushes the WAL past 1000 pages,
and with synchronous=NORMAL that commit also pays two fsyncs: every few seconds under a
kiosk burst one ticket took tens of milliseconds. The server turns automatic checkpoints
off on its own connections and runs them here instead. PASSIVE never waits for readers
or writers; if the log still grows past ``restart_frames`` (readers never let a passive
checkpoint finish), one RESTART checkpoint waits briefly to let the log start over.
"""
from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)


class WalCheckpointer:
    def __init__(self, path: str, interval_seconds: float = 1.0, restart_frames: int = 20_000) -> None:
        self.path = path
        self.interval = interval_seconds
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
        """One passive checkpoint; returns (frames in the log, frames copied to the database)."""
        _busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if frames > self.restart_frames and copied < frames:
            _busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
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
