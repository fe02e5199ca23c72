"""What every service needs: the database, the clock, the halls and the ID-hash secret."""

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
    id_secret: bytes  # key of the ID-number hash (storage/id_secret.py), never stored in the database
