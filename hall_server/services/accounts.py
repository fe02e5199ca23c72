"""Staff accounts: argon2 password hashes, log-in to a person token, log-out, throttling.

A person logs in with staff number and password and gets an ordinary bearer token whose role
comes from the staff record; a clerk's token is bound to the window the clerk logged in at,
so the window checks that already guard every desk action apply unchanged.
"""

from __future__ import annotations

import functools
import os
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update

from ..core.errors import Conflict, DomainError, InvalidInput, NotFound
from ..storage.models import ApiToken, LoginThrottle, Staff
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .tokens import Tokens

S, TOK, THR = table_of(Staff), table_of(ApiToken), table_of(LoginThrottle)
STAFF_ROLES = ("clerk", "backoffice", "supervisor", "admin")
MIN_PASSWORD = 8
# After this many wrong passwords in a row, a staff number must wait before the next try;
# the wait doubles with each further failure (capped), which defeats guessing but never
# locks a clerk out for the whole day.
FREE_FAILURES = 5
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)


@functools.cache
def _hasher() -> PasswordHasher:
    # argon2-cffi's default (RFC 9106 low-memory profile). Test suites may pick a cheap profile
    # (YICHUANG_ARGON2_PROFILE=CHEAPEST); every hash records its own parameters, so hashes made
    # under either profile keep verifying.
    name = os.environ.get("YICHUANG_ARGON2_PROFILE")
    return PasswordHasher.from_parameters(getattr(profiles, name)) if name else PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    # Verified against when the staff number is unknown, so a miss costs the same time as a hit
    # and the response time does not reveal which staff numbers exist.
    return _hasher().hash("yichuang-no-such-staff")


class InvalidCredentials(DomainError):
    """Wrong staff number or password (the API answers 401)."""


class LoginThrottled(Conflict):
    pass


def hash_password(password: str) -> str:
    return _hasher().hash(password)


class Accounts:
    def __init__(self, services: Services, tokens: Tokens) -> None:
        self.s = services
        self.tokens = tokens

    def set_password(self, hall_id: int, staff_no: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise InvalidInput("password_too_short", "accounts.password_too_short", minimum=MIN_PASSWORD)
        hashed = hash_password(password)
        with self.s.db.write() as conn:
            done = conn.execute(
                update(S).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no).values(password_hash=hashed)
            )
            if done.rowcount != 1:
                raise NotFound("staff_not_found", staff_no=staff_no)
            conn.execute(THR.delete().where(THR.c.hall_id == hall_id, THR.c.staff_no == staff_no))

    def set_role(self, hall_id: int, staff_no: str, role: str) -> None:
        if role not in STAFF_ROLES:
            raise InvalidInput("invalid_role", role=role, roles=", ".join(STAFF_ROLES))
        with self.s.db.write() as conn:
            done = conn.execute(update(S).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no).values(role=role))
            if done.rowcount != 1:
                raise NotFound("staff_not_found", staff_no=staff_no)

    def login(self, hall_id: int, staff_no: str, password: str, window: int | None) -> dict[str, Any]:
        staff_no = staff_no.strip()
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        self._check_throttle(hall_id, staff_no, now)
        with self.s.db.read() as conn:
            staff = conn.execute(
                select(S).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no, S.c.active.is_(True))
            ).first()
        verified = _verify(staff.password_hash if staff is not None else None, password)  # same cost either way
        if staff is None or not verified:
            self._record_failure(hall_id, staff_no, now)
            raise InvalidCredentials("invalid_credentials", "accounts.invalid_credentials")
        if staff.role not in STAFF_ROLES:
            raise InvalidCredentials("invalid_credentials", "accounts.invalid_credentials")
        if staff.role == "clerk" and window is None:
            raise InvalidInput("window_required", "accounts.window_required")
        if window is not None and window not in ctx.config.window_numbers:
            raise InvalidInput("invalid_window", window=window, windows=ctx.config.window_numbers)
        with self.s.db.write() as conn:
            conn.execute(THR.delete().where(THR.c.hall_id == hall_id, THR.c.staff_no == staff_no))
        # Supervisors are not bound to a window: they act on every window (require_window).
        bound = window if staff.role == "clerk" else None
        token = self.tokens.create(hall_id, staff.role, bound, f"{staff.staff_no} {staff.name}", staff.id)
        return {
            "token": token,
            "role": staff.role,
            "window": bound,
            "staff": {"id": staff.id, "staff_no": staff.staff_no, "name": staff.name, "photo_url": staff.photo_url},
        }

    def logout(self, principal: Principal, token: str) -> None:
        if principal.staff_id is None:
            # Device tokens (kiosk, board, pad) are revoked by an admin, not by the device itself.
            raise InvalidInput("not_a_person_token", "accounts.not_a_person_token")
        with self.s.db.write() as conn:
            conn.execute(update(TOK).where(TOK.c.id == principal.token_id).values(revoked_at=self.s.clock.now()))
        self.tokens.forget(token)

    def me(self, principal: Principal) -> dict[str, Any]:
        staff = None
        if principal.staff_id is not None:
            with self.s.db.read() as conn:
                s = conn.execute(select(S).where(S.c.id == principal.staff_id)).first()
            if s is not None:
                staff = {"id": s.id, "staff_no": s.staff_no, "name": s.name, "photo_url": s.photo_url}
        return {"role": principal.role, "window": principal.window_number, "label": principal.label, "staff": staff}

    # --- throttling ------------------------------------------------------------------------
    def _check_throttle(self, hall_id: int, staff_no: str, now: datetime) -> None:
        with self.s.db.read() as conn:
            row = conn.execute(select(THR).where(THR.c.hall_id == hall_id, THR.c.staff_no == staff_no)).first()
        if row is not None and row.locked_until is not None and row.locked_until > now:
            seconds = int((row.locked_until - now).total_seconds()) + 1
            raise LoginThrottled("login_throttled", "accounts.login_throttled", seconds=seconds).with_details(
                retry_after_seconds=seconds
            )

    def _record_failure(self, hall_id: int, staff_no: str, now: datetime) -> None:
        with self.s.db.write() as conn:
            row = conn.execute(select(THR).where(THR.c.hall_id == hall_id, THR.c.staff_no == staff_no)).first()
            failures = (row.failures if row is not None else 0) + 1
            locked_until = None
            if failures >= FREE_FAILURES:
                lock = min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES), MAX_LOCK)
                locked_until = now + lock
            if row is None:
                conn.execute(
                    THR.insert().values(
                        hall_id=hall_id,
                        staff_no=staff_no[:32],
                        failures=failures,
                        last_failed_at=now,
                        locked_until=locked_until,
                    )
                )
            else:
                conn.execute(
                    update(THR)
                    .where(THR.c.id == row.id)
                    .values(failures=failures, last_failed_at=now, locked_until=locked_until)
                )


def _verify(hashed: str | None, password: str) -> bool:
    try:
        return _hasher().verify(hashed or _dummy_hash(), password) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
