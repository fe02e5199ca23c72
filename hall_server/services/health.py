"""Liveness: can the server reach its database, and what is it running on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

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
            ok = True
        except (SQLAlchemyError, OSError):
            ok = False
        view = {
            "status": "ok" if ok else "degraded",
            "database": "ok" if ok else "unreachable",
            "backend": "sqlite" if db.is_sqlite else "postgresql",
            "time": self.services.clock.now().isoformat(),
            "version": version,
            "subscribers": self.broker.subscriber_count,
        }
        return view, ok
