"""What every service needs: the database, the clock, the halls, and a way to wake subscribers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.clock import Clock
from ..storage.database import Database
from .context import HallRegistry


@dataclass
class Services:
    db: Database
    clock: Clock
    halls: HallRegistry
    # Called after a transaction that appended events has committed (wakes the in-process broker).
    on_events: Callable[[], None] = field(default=lambda: None)
