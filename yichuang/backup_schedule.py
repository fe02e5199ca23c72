"""The daily backup that `yichuang serve` takes at a set local time, with retention.

It runs in the serving process (not in a worker: one backup a day however many workers)
and asks the hall's clock, so `--clock` demos and tests see it happen at the hall's time.
A missed time (the PC was off at 19:00) is not made up on start: the next backup is the
next day's, and `yichuang backup` from cron covers other schedules.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hall_common.i18n import message
from hall_server.core.clock import Clock
from hall_server.storage.backup import backup

log = logging.getLogger(__name__)


class DailyBackup:
    def __init__(
        self, url: str, out_dir: Path, at: time, keep: int, clock: Clock, tz: ZoneInfo, secret_path: Path | None = None
    ) -> None:
        self.url, self.out_dir, self.at, self.keep, self.clock, self.tz = url, out_dir, at, keep, clock, tz
        self.secret_path = secret_path  # the ID-hash key that goes into each backup (default: the server's)
        self.next_due = self._next_after(self._local_now())
        self._stop = threading.Event()

    def _local_now(self) -> datetime:
        return self.clock.now().astimezone(self.tz)

    def _next_after(self, now: datetime) -> datetime:
        due = now.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        return due if due > now else due + timedelta(days=1)

    def run_pending(self) -> Path | None:
        """Take the backup if its time has come; returns the file written, if any."""
        now = self._local_now()
        if now < self.next_due:
            return None
        self.next_due = self._next_after(now)
        try:
            path = backup(self.url, self.out_dir, now, self.keep, self.secret_path)
        except Exception:  # a full disk must not stop the hall; the log says why, tomorrow retries
            log.exception("daily backup failed")
            return None
        print(message("cli.backup_written", path=str(path)), flush=True)
        return path

    def start(self, check_seconds: float = 20.0) -> None:
        def loop() -> None:
            while not self._stop.wait(check_seconds):
                self.run_pending()

        threading.Thread(target=loop, name="daily-backup", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
