"""What every service needs: the database, the clock and the halls."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.clock import Clock
from ..storage.database import Database
from .context import HallRegistry


@dataclass
class Services:
    db: Database
    clock: Clock
    halls: HallRegistry
