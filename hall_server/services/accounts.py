"""Staff accounts: argon2 password hashes, log-in to a person token, log-out, throttling.

A person logs in with staff number and password and gets an ordinary bearer token whose role
comes from the staff record; a clerk's token is bound to the window the clerk logged in at,
so the window checks that already guard every desk action apply unchanged. Person tokens end
with the hall's working day and after an idle time, and die when the person's password, role
or active flag changes (see Tokens.authenticate).

Throttling, all checked BEFORE any password hash is computed:
- per client address: at most ADDRESS_ATTEMPTS log-ins in ADDRESS_WINDOW, whatever the staff
  number (one machine cannot keep the hasher busy);
- per (staff number, address): after FAILURES_ALLOWED wrong passwords that address waits
  FAILURE_WINDOW; the same person at another window is not locked out, so nobody can lock the
  clerks out by typing their (public) staff numbers. These are guesses at a secret: counted in
  the database (storage/guess_limits.py), so every server process and a restart see them; the
  per-address limit is load, not guessing, and stays in memory (core/rate_limit.py says why);
- an unknown staff number is counted and locked exactly like a known one (else five wrong tries
  would tell them apart: 429 for a real number, 401 for ever for a made-up one); its rows are
  bounded by the per-address limit like every other try;
- at most HASH_SLOTS argon2 verifications run at once (each takes 64 MiB); a request that cannot
  get a slot within HASH_WAIT_SECONDS is refused with 429 instead of queueing without end.
Timing: an unknown (or inactive, or password-less) staff number is verified against a dummy
argon2 hash made once with the same parameters, on the same slots, and counted the same way:
the same work, so the same time (an outside test measured 0.19–0.25 s for a real number against
0.14 s for an unknown one when the unknown path only slept; bench/bench_login_timing.py). The
slots bound the memory (HASH_SLOTS × 64 MiB) whoever is hashed.
"""

from __future__ import annotations

import functools
import os
import secrets
import threading
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update

from hall_common.i18n import LOCALES

from ..core.errors import DomainError, InvalidInput, NotFound, TooManyRequests
from ..core.rate_limit import SlidingWindowLimiter
from ..storage.database import Database
from ..storage.guess_limits import StoredLimiter
from ..storage.models import ApiToken, Staff
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .tokens import Tokens

S, TOK = table_of(Staff), table_of(ApiToken)
STAFF_ROLES = ("clerk", "backoffice", "supervisor", "admin")
MIN_PASSWORD = 8
ADDRESS_ATTEMPTS, ADDRESS_WINDOW = 20, 300.0
FAILURES_ALLOWED, FAILURE_WINDOW = 5, 900.0
HASH_SLOTS = 2
HASH_WAIT_SECONDS = 5.0


@functools.cache
def _hasher() -> PasswordHasher:
    # argon2-cffi's default (RFC 9106 low-memory profile). Test suites may pick a cheap profile
    # (YICHUANG_ARGON2_PROFILE=CHEAPEST); every hash records its own parameters, so hashes made
    # under either profile keep verifying.
    name = os.environ.get("YICHUANG_ARGON2_PROFILE")
    return PasswordHasher.from_parameters(getattr(profiles, name)) if name else PasswordHasher()


class InvalidCredentials(DomainError):
    """Wrong staff number or password (the API answers 401)."""


class LoginThrottled(TooManyRequests):
    pass


def failure_key(staff_no: str, client: str) -> str:
    # The client first: a staff number typed at the log-in box may hold any character.
    return f"{client}|{staff_no}"


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@functools.cache
def _dummy_hash() -> str:
    # What an unknown staff number is verified against: a hash of a random secret nobody knows,
    # with the hasher's parameters, so its verification costs what a real one does.
    return _hasher().hash(secrets.token_urlsafe(24))


class PasswordGate:
    """The limits and the hash slots in front of every password check (log-in and window sign-in)."""

    def __init__(self, db: Database) -> None:
        self.per_address = SlidingWindowLimiter(ADDRESS_ATTEMPTS, ADDRESS_WINDOW)
        self.failures = StoredLimiter(db, "login_failure", FAILURES_ALLOWED, FAILURE_WINDOW)
        self.slots = threading.BoundedSemaphore(HASH_SLOTS)
        self.hash_wait = HASH_WAIT_SECONDS

    def admit(self, staff_no: str, client: str, now: float) -> None:
        """Refuse (429) before any hashing when the address or this staff number at it is over its limit."""
        wait = self.failures.retry_after(failure_key(staff_no, client), now)
        if not wait:
            wait = self.per_address.hit(client, now)
        if wait:
            seconds = int(wait) + 1
            raise LoginThrottled("login_throttled", "accounts.login_throttled", seconds=seconds).with_details(
                retry_after_seconds=seconds
            )

    def verify(self, hashed: str | None, password: str) -> bool:
        if not self.slots.acquire(timeout=self.hash_wait):
            raise LoginThrottled("login_busy", "accounts.login_busy", seconds=5).with_details(retry_after_seconds=5)
        try:
            try:
                ok: bool = _hasher().verify(hashed or _dummy_hash(), password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            return ok and hashed is not None
        finally:
            self.slots.release()


class Accounts:
    def __init__(self, services: Services, tokens: Tokens) -> None:
        self.s = services
        self.tokens = tokens
        self.gate = PasswordGate(services.db)

    def check_password(self, hall_id: int, staff_no: str, password: str, client: str) -> Any:
        """The active staff row when ``password`` is right; InvalidCredentials or 429 otherwise."""
        staff_no = staff_no.strip()
        now = self.s.clock.now().timestamp()
        self.gate.admit(staff_no, client, now)
        with self.s.db.read() as conn:
            staff = conn.execute(
                select(S).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no, S.c.active.is_(True))
            ).first()
        if not self.gate.verify(staff.password_hash if staff is not None else None, password):
            self.gate.failures.hit(failure_key(staff_no, client), now)  # unknown numbers alike
            raise InvalidCredentials("invalid_credentials", "accounts.invalid_credentials")
        self.gate.failures.forget(failure_key(staff_no, client))
        return staff

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
            self._revoke_person(conn, hall_id, staff_no)
        # A new password (a supervisor's reset) lifts the lock its owner's wrong guesses set.
        self.gate.failures.forget_ending(failure_key(staff_no, ""))

    def set_role(self, hall_id: int, staff_no: str, role: str) -> None:
        if role not in STAFF_ROLES:
            raise InvalidInput("invalid_role", role=role, roles=", ".join(STAFF_ROLES))
        with self.s.db.write() as conn:
            done = conn.execute(update(S).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no).values(role=role))
            if done.rowcount != 1:
                raise NotFound("staff_not_found", staff_no=staff_no)
            self._revoke_person(conn, hall_id, staff_no)

    def set_active(self, hall_id: int, staff_no: str, active: bool) -> None:
        with self.s.db.write() as conn:
            done = conn.execute(update(S).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no).values(active=active))
            if done.rowcount != 1:
                raise NotFound("staff_not_found", staff_no=staff_no)
            self._revoke_person(conn, hall_id, staff_no)

    def _revoke_person(self, conn: Any, hall_id: int, staff_no: str) -> None:
        """A changed password, role or active flag ends every token the person holds, at once."""
        staff_id = select(S.c.id).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no).scalar_subquery()
        conn.execute(
            update(TOK)
            .where(TOK.c.staff_id == staff_id, TOK.c.revoked_at.is_(None))
            .values(revoked_at=self.s.clock.now())
        )

    def login(
        self, hall_id: int, staff_no: str, password: str, window: int | None, client: str = "local"
    ) -> dict[str, Any]:
        ctx = self.s.halls.get(hall_id)
        staff = self.check_password(hall_id, staff_no, password, client)
        if staff.role not in STAFF_ROLES:
            raise InvalidCredentials("invalid_credentials", "accounts.invalid_credentials")
        if staff.role == "clerk" and window is None:
            raise InvalidInput("window_required", "accounts.window_required")
        if window is not None and window not in ctx.config.window_numbers:
            raise InvalidInput("invalid_window", window=window, windows=ctx.config.window_numbers)
        # Supervisors are not bound to a window: they act on every window (require_window).
        bound = window if staff.role == "clerk" else None
        token = self.tokens.create(
            hall_id,
            staff.role,
            bound,
            f"{staff.staff_no} {staff.name}",
            staff.id,
            expires_at=self._end_of_working_day(hall_id),
        )
        return {
            "token": token,
            "role": staff.role,
            "window": bound,
            "staff": {"id": staff.id, "staff_no": staff.staff_no, "name": staff.name, "photo_url": staff.photo_url},
            "language": staff.language,
        }

    def _end_of_working_day(self, hall_id: int) -> datetime:
        """When today's person tokens end: the hall's last period of the day plus the grace the hall
        set (overtime), never less than that grace from now (a log-in after closing)."""
        ctx = self.s.halls.get(hall_id)
        now = self.s.clock.now()
        grace = timedelta(minutes=ctx.config.security.person_token_after_closing_minutes)
        ends = [p.end for p in ctx.schedule.periods(ctx.schedule.local_date(now))]
        return max([now, *ends]) + grace

    def logout(self, principal: Principal, token: str | None) -> None:
        if principal.staff_id is None:
            # Device tokens (kiosk, board, pad) are revoked by an admin, not by the device itself.
            raise InvalidInput("not_a_person_token", "accounts.not_a_person_token")
        with self.s.db.write() as conn:
            conn.execute(update(TOK).where(TOK.c.id == principal.token_id).values(revoked_at=self.s.clock.now()))
        if token is not None:  # the raw token keys this process's cache; the row above is revoked either way
            self.tokens.forget(token)

    def me(self, principal: Principal) -> dict[str, Any]:
        """Who the token is; for a person also the language their staff pages speak (a device
        token has none: public devices stay Chinese)."""
        staff, language = None, None
        if principal.staff_id is not None:
            with self.s.db.read() as conn:
                s = conn.execute(select(S).where(S.c.id == principal.staff_id)).first()
            if s is not None:
                staff = {"id": s.id, "staff_no": s.staff_no, "name": s.name, "photo_url": s.photo_url}
                language = s.language
        return {
            "role": principal.role,
            "window": principal.window_number,
            "label": principal.label,
            "staff": staff,
            "language": language,
        }

    def set_language(self, principal: Principal, language: str) -> dict[str, Any]:
        """The caller chooses the language of their own staff pages; only their own account, so a
        colleague signing in on the same PC keeps theirs."""
        if principal.staff_id is None:
            raise InvalidInput("not_a_person_token", "accounts.language_needs_person")
        if language not in LOCALES:
            raise InvalidInput("invalid_language", "accounts.invalid_language")
        with self.s.db.write() as conn:
            conn.execute(update(S).where(S.c.id == principal.staff_id).values(language=language))
        return self.me(principal)
