"""Bearer tokens for devices and people. Only a SHA-256 of each token is stored.

Device tokens are cached for CACHE_SECONDS (a revoked one stops within that time). Person tokens
(those of a staff member) are checked against the database on every request, so a changed
password, role or active flag, the end of the working day and the idle timeout apply at once.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from ..core.errors import InvalidInput
from ..storage.models import ApiToken, Staff
from .access import ROLES, Principal
from .base import Services

TOK, S = ApiToken.__table__, Staff.__table__
CACHE_SECONDS = 5.0  # a revoked device token stops working within this time in every process
# last_used_at is written at most this often per token: the idle timeout is in minutes, and a
# write on every request would cost SQLite a lock per page refresh.
TOUCH_SECONDS = 60


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    def __init__(self, services: Services) -> None:
        self.s = services
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def create(
        self,
        hall_id: int,
        role: str,
        window: int | None = None,
        label: str = "",
        staff_id: int | None = None,
        expires_at: datetime | None = None,
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
                    token_hash=_digest(token),
                    role=role,
                    window_number=window,
                    staff_id=staff_id,
                    label=label or f"{role}{'-' + str(window) if window else ''}",
                    created_at=self.s.clock.now(),
                    expires_at=expires_at,
                    last_used_at=self.s.clock.now() if expires_at else None,
                )
            )
        return token

    def authenticate(self, token: str) -> Principal | None:
        digest = _digest(token)
        hit = self._cache.get(digest)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        with self.s.db.read() as conn:
            row = conn.execute(
                select(TOK, S.c.role.label("staff_role"), S.c.active.label("staff_active"))
                .outerjoin(S, S.c.id == TOK.c.staff_id)
                .where(TOK.c.token_hash == digest)
            ).first()
        if row is not None and row.staff_id is not None:
            return self._person(row)  # never cached
        principal = None
        if row is not None and row.revoked_at is None:
            principal = Principal(row.hall_id, row.role, row.label, row.window_number, row.staff_id, row.id)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (time.monotonic(), principal)
        return principal

    def _person(self, row: Any) -> Principal | None:
        if row.revoked_at is not None or not row.staff_active or row.staff_role != row.role:
            return None  # a demoted or deactivated person's old token stops at once
        now = self.s.clock.now()
        if row.expires_at is not None:
            idle = timedelta(minutes=self.s.halls.get(row.hall_id).config.security.person_token_idle_minutes)
            last = row.last_used_at or row.created_at
            if now >= row.expires_at or now - last >= idle:
                return None
            if (now - last).total_seconds() >= TOUCH_SECONDS:
                with self.s.db.write() as conn:
                    conn.execute(update(TOK).where(TOK.c.id == row.id).values(last_used_at=now))
        return Principal(row.hall_id, row.role, row.label, row.window_number, row.staff_id, row.id)
