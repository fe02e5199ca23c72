"""Liveness: can the server reach its database, and what is it running on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..core.clock import CHINA
from ..events.broker import EventBroker
from .base import Services


@dataclass
class Health:
    services: Services
    broker: EventBroker

    def check(self, version: str) -> tuple[dict[str, Any], bool]:
        """The health view and whether the database answered."""
        db = self.services.db
        try:
            with db.read() as conn:
                conn.execute(text("SELECT 1"))
            tz, ok = self._hall_zone(), True
        except (SQLAlchemyError, OSError):
            tz, ok = CHINA, False
        view = {
            "status": "ok" if ok else "degraded",
            "database": "ok" if ok else "unreachable",
            "backend": "sqlite" if db.is_sqlite else "postgresql",
            "time": self.services.clock.now().astimezone(tz).isoformat(),
            "version": version,
            "subscribers": self.broker.subscriber_count,
        }
        return view, ok

    def _hall_zone(self) -> ZoneInfo:
        # The hall's zone, as on every other time staff see: the real clock (SystemClock) gives
        # UTC, and "02:00+00:00" on the health answer reads as the middle of the night. Before a
        # hall is installed (or without the database) the zone a hall has unless it says otherwise.
        ids = self.services.halls.all_ids()
        return self.services.halls.get(ids[0]).config.timezone if ids else CHINA
