"""Bearer tokens for devices and people. Only a SHA-256 of each token is stored."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from sqlalchemy import select

from ..core.errors import InvalidInput
from ..storage.models import ApiToken
from ..storage.types import table_of
from .access import ROLES, Principal
from .base import Services

TOK = table_of(ApiToken)
CACHE_SECONDS = 5.0  # a revoked token stops working within this time in every process


def digest(token: str) -> str:
    """What is stored of a bearer token or a one-time link token (a SHA-256; they are random)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    def __init__(self, services: Services) -> None:
        self.s = services
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def create(
        self, hall_id: int, role: str, window: int | None = None, label: str = "", staff_id: int | None = None
    ) -> str:
        if role not in ROLES:
            raise InvalidInput("invalid_role", role=role, roles=", ".join(ROLES))
        ctx = self.s.halls.get(hall_id)
        if role in ("clerk", "pad") and window is None:
            raise InvalidInput("window_required_for_role", role=role)
        if window is not None and window not in ctx.config.window_numbers:
            raise InvalidInput("invalid_window", window=window, windows=ctx.config.window_numbers)
        token = "yc_" + secrets.token_urlsafe(24)
        with self.s.db.write() as conn:
            conn.execute(
                TOK.insert().values(
                    hall_id=hall_id,
                    token_hash=digest(token),
                    role=role,
                    window_number=window,
                    staff_id=staff_id,
                    label=label or f"{role}{'-' + str(window) if window else ''}",
                    created_at=self.s.clock.now(),
                )
            )
        return token

    def authenticate(self, token: str) -> Principal | None:
        key = digest(token)
        hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        with self.s.db.read() as conn:
            row = conn.execute(select(TOK).where(TOK.c.token_hash == key)).first()
        principal = None
        if row is not None and row.revoked_at is None:
            principal = Principal(row.hall_id, row.role, row.label, row.window_number, row.staff_id, row.id)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (time.monotonic(), principal)
        return principal

    def forget(self, token: str) -> None:
        """Drop a revoked token's cached authentication in this process (others within CACHE_SECONDS)."""
        with self._lock:
            self._cache.pop(digest(token), None)
