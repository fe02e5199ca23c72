"""Bearer tokens for devices and people. Only a SHA-256 of each token is stored.

Device tokens are cached for CACHE_SECONDS (a revoked one stops within that time). Person tokens
(those of a staff member) are checked against the database on every request, so a changed
password, role or active flag, the end of the working day and the idle timeout apply at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update

from ..core.errors import InvalidInput
from ..storage.models import ApiToken, Staff
from ..storage.types import table_of
from .access import ROLES, Principal
from .base import Services

TOK, S = table_of(ApiToken), table_of(Staff)
CACHE_SECONDS = 5.0  # a revoked device token stops working within this time in every process
# last_used_at is written at most this often per token: the idle timeout is in minutes, and a
# write on every request would cost SQLite a lock per page refresh.
TOUCH_SECONDS = 60
# A download link (a case PDF opened in a new tab, where no Authorization header can be sent)
# works this long, for the one path it was made for, and only while its maker's token is valid.
LINK_SECONDS = 300


def digest(token: str) -> str:
    """What is stored of a bearer token or a one-time link token (a SHA-256; they are random)."""
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
        with self.s.db.write() as conn:
            return self.insert(conn, hall_id, role, window, label, staff_id, expires_at)[0]

    def insert(
        self,
        conn: Connection,
        hall_id: int,
        role: str,
        window: int | None = None,
        label: str = "",
        staff_id: int | None = None,
        expires_at: datetime | None = None,
    ) -> tuple[str, int]:
        """A new token and its id, on the caller's transaction (an enrolment spends its code in the same one)."""
        if role not in ROLES:
            raise InvalidInput("invalid_role", role=role, roles=", ".join(ROLES))
        ctx = self.s.halls.get(hall_id)
        if role in ("clerk", "pad") and window is None:
            raise InvalidInput("window_required_for_role", role=role)
        if window is not None and window not in ctx.config.window_numbers:
            raise InvalidInput("invalid_window", window=window, windows=ctx.config.window_numbers)
        token = "yc_" + secrets.token_urlsafe(24)
        token_id = conn.execute(
            TOK.insert()
            .returning(TOK.c.id)
            .values(
                hall_id=hall_id,
                token_hash=digest(token),
                role=role,
                window_number=window,
                staff_id=staff_id,
                label=label or f"{role}{'-' + str(window) if window else ''}",
                created_at=self.s.clock.now(),
                expires_at=expires_at,
                last_used_at=self.s.clock.now() if expires_at else None,
            )
        ).scalar_one()
        return token, token_id

    def authenticate(self, token: str) -> Principal | None:
        key = digest(token)
        hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        with self.s.db.read() as conn:
            row = conn.execute(
                select(TOK, S.c.role.label("staff_role"), S.c.active.label("staff_active"))
                .outerjoin(S, S.c.id == TOK.c.staff_id)
                .where(TOK.c.token_hash == key)
            ).first()
        if row is not None and row.staff_id is not None:
            return self._person(row)  # never cached
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
        self.forget_digest(digest(token))

    def forget_digest(self, key: str) -> None:
        """``forget`` by what is stored of the token (a revoked device's, whose token nobody keeps)."""
        with self._lock:
            self._cache.pop(key, None)

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

    # --- short-lived signed links ---------------------------------------------------------
    def sign_link(self, principal: Principal, path: str) -> str:
        """``<token id>.<expiry>.<mac>`` for ``path``: the MAC is keyed with the caller's token hash,
        which only the database holds, so no server secret has to be shared between workers, and
        revoking the token (log-out, password change) kills its links too."""
        if principal.token_id is None:
            raise InvalidInput("field_required", field="token")
        with self.s.db.read() as conn:
            key = conn.execute(select(TOK.c.token_hash).where(TOK.c.id == principal.token_id)).scalar_one()
        expires = int(self.s.clock.now().timestamp()) + LINK_SECONDS
        return f"{principal.token_id}.{expires}.{_mac(key, path, expires)}"

    def verify_link(self, path: str, link: str) -> Principal | None:
        """The principal who made ``link`` for ``path``, if it is genuine, unexpired and its token valid."""
        parts = link.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 18:
            return None
        token_id, expires = int(parts[0]), int(parts[1][:12])
        if expires < self.s.clock.now().timestamp():
            return None
        with self.s.db.read() as conn:
            row = conn.execute(
                select(TOK, S.c.role.label("staff_role"), S.c.active.label("staff_active"))
                .outerjoin(S, S.c.id == TOK.c.staff_id)
                .where(TOK.c.id == token_id)
            ).first()
        if row is None or not hmac.compare_digest(_mac(row.token_hash, path, expires), parts[2]):
            return None
        if row.staff_id is not None:
            return self._person(row)
        if row.revoked_at is not None:
            return None
        return Principal(row.hall_id, row.role, row.label, row.window_number, row.staff_id, row.id)


def _mac(key: str, path: str, expires: int) -> str:
    return hmac.new(key.encode(), f"{path}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]
