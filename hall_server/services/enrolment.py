"""Devices join the hall with a one-time code instead of a pasted token, and leave it in one action.

A supervisor names the device (大厅1号取号机), its role and window; the server answers an 8-digit
code, typed on a kiosk's number pad or given to ``yichuang enrol``, which works once within
CODE_MINUTES and is exchanged for the device's own token. The code is a guess target on a public
route: tries are counted per address, and wrong codes for the whole hall, in the database
(storage/guess_limits.py), so a guesser gets about 10^-5 chances an hour at the few codes
waiting. Revoking a device revokes its token at once in this process (other server processes
within the token cache's few seconds).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from ..core.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from ..core.rate_limit import throttle
from ..storage.guess_limits import StoredLimiter
from ..storage.repositories.enrolments import EnrolmentRecord, EnrolmentRepository, PeripheralRecord
from .access import Principal
from .base import Services
from .devices import PROBLEM_STATES
from .tokens import Tokens

# The roles a device may be enrolled with: kiosk; board (lobby screen, announcer, LED-bar
# bridge); pad (a window's rating pad or pad bridge); clerk (a window's keypad bridge).
ENROL_ROLES = ("kiosk", "board", "pad", "clerk")
WINDOW_ROLES = ("pad", "clerk")
CODE_DIGITS = 8
CODE_MINUTES = 30
MAX_WAITING_CODES = 20  # per hall: bounds what a guesser can hit
# Tries per address (right or wrong) and wrong codes per hall, each in a sliding window. A fitter
# mistypes a few times; 50 misses an hour against at most 20 live codes of 10^8 is 10^-5 an hour.
ADDRESS_TRIES, ADDRESS_WINDOW_SECONDS = 10, 600
HALL_MISSES, HALL_WINDOW_SECONDS = 50, 3600


class Enrolment:
    def __init__(self, services: Services, tokens: Tokens) -> None:
        self.s = services
        self.tokens = tokens
        self.address_limiter = StoredLimiter(services.db, "enrolment_addr", ADDRESS_TRIES, ADDRESS_WINDOW_SECONDS)
        self.hall_limiter = StoredLimiter(services.db, "enrolment_hall", HALL_MISSES, HALL_WINDOW_SECONDS)

    def create_code(self, p: Principal, role: str, name: str, window: int | None = None) -> dict[str, Any]:
        """A new device waiting for its code to be typed in; the code is shown this once."""
        p.require("supervisor", "admin")
        ctx = self.s.halls.get(p.hall_id)
        name = name.strip()
        if not name:
            raise InvalidInput("field_required", field="name")
        if role in WINDOW_ROLES and window is None:
            raise InvalidInput("enrolment_window_required", role=role)
        if window is not None and window not in ctx.config.window_numbers:
            raise InvalidInput("invalid_window", window=window, windows=ctx.config.window_numbers)
        now = self.s.clock.now()
        until = now + timedelta(minutes=CODE_MINUTES)
        with self.s.db.write() as conn:
            repo = EnrolmentRepository(conn)
            if repo.name_taken(p.hall_id, name, now):
                raise Conflict("device_name_taken", name=name)
            waiting = set(repo.waiting_codes(p.hall_id, now))
            if len(waiting) >= MAX_WAITING_CODES:
                raise Conflict("too_many_enrolment_codes", maximum=MAX_WAITING_CODES)
            code = _new_code()
            while self._digest(p.hall_id, code) in waiting:
                code = _new_code()
            enrolment_id = repo.add(p.hall_id, name, role, window, self._digest(p.hall_id, code), p.label, now, until)
            record = repo.get(p.hall_id, enrolment_id)
        assert record is not None
        return {
            "code": code,
            "code_text": f"{code[:4]} {code[4:]}",
            "minutes": CODE_MINUTES,
            "device": self._view(record, [], now),
        }

    def redeem(self, hall_id: int, code: str, client: str, version: str = "") -> dict[str, Any]:
        """The device's own token for a code that is right, unused and unexpired (shown this once)."""
        now = self.s.clock.now()
        throttle(self.address_limiter, client, now, "enrolment_throttled")
        hall_key = f"hall:{hall_id}"
        wait = self.hall_limiter.retry_after(hall_key, now.timestamp())
        if wait:
            seconds = int(wait) + 1
            raise TooManyRequests("enrolment_throttled", seconds=seconds).with_details(retry_after_seconds=seconds)
        digits = re.sub(r"[\s-]", "", code)
        found: EnrolmentRecord | None = None
        with self.s.db.write() as conn:
            repo = EnrolmentRepository(conn)
            if re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", digits):
                found = repo.by_code(hall_id, self._digest(hall_id, digits))
            if found is not None:
                if found.revoked_at is not None:
                    raise Conflict("enrolment_code_cancelled")
                if found.enrolled_at is not None:
                    raise Conflict("enrolment_code_used")
                if found.code_expires_at <= now:
                    raise Conflict("enrolment_code_expired", minutes=CODE_MINUTES)
                token, token_id = self.tokens.insert(conn, hall_id, found.role, found.window_number, found.name)
                if not repo.redeem(found.id, token_id, now, version.strip()[:40]):
                    raise Conflict("enrolment_code_used")  # another request was first: its token stands
        if found is None:
            self.hall_limiter.hit(hall_key, now.timestamp())
            raise NotFound("enrolment_code_unknown")
        return {
            "token": token,
            "id": found.id,
            "name": found.name,
            "role": found.role,
            "window": found.window_number,
            "hall": self.s.halls.get(hall_id).code,
        }

    def revoke(self, p: Principal, enrolment_id: int) -> dict[str, Any]:
        """The device (or its unused code) stops at once: its token is revoked and forgotten."""
        p.require("supervisor", "admin")
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            repo = EnrolmentRepository(conn)
            found = repo.get(p.hall_id, enrolment_id)
            if found is None:
                raise NotFound("enrolled_device_not_found", device_id=enrolment_id)
            if found.revoked_at is not None:
                raise Conflict("enrolled_device_revoked", name=found.name)
            key = repo.revoke(found, now)
            record = repo.get(p.hall_id, enrolment_id)
        if key is not None:
            self.tokens.forget_digest(key)
        assert record is not None
        return self._view(record, [], now)

    def fleet(self, p: Principal) -> list[dict[str, Any]]:
        """Every device enrolled and not revoked (and every code still waiting), with its peripherals."""
        p.require("supervisor", "admin")
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            repo = EnrolmentRepository(conn)
            devices = repo.live(p.hall_id, now)
            peripherals = repo.peripherals(p.hall_id, [d.token_id for d in devices if d.token_id is not None])
        return [self._view(d, peripherals.get(d.token_id or 0, []), now) for d in devices]

    def _view(self, e: EnrolmentRecord, peripherals: list[PeripheralRecord], now: datetime) -> dict[str, Any]:
        tz = self.s.halls.get(e.hall_id).config.timezone

        def local(at: datetime | None) -> str | None:
            return at.astimezone(tz).isoformat() if at is not None else None

        if e.revoked_at is not None:
            state = "revoked"
        elif e.enrolled_at is not None:
            state = "enrolled"
        else:
            state = "waiting" if e.code_expires_at > now else "expired"
        parts = [
            {
                "device": r.device,
                "kind": r.kind,
                "state": r.state,
                "detail": r.detail,
                "problem": r.state in PROBLEM_STATES,
                "reported_at": local(r.reported_at),
            }
            for r in peripherals
        ]
        return {
            "id": e.id,
            "name": e.name,
            "role": e.role,
            "window": e.window_number,
            "state": state,
            "code_expires_at": local(e.code_expires_at) if state == "waiting" else None,
            "enrolled_at": local(e.enrolled_at),
            "version": e.version,
            "last_contact": local(e.last_seen_at),
            "peripherals": parts,
            "problem": any(part["problem"] for part in parts),
        }

    def _digest(self, hall_id: int, code: str) -> str:
        return hmac.new(self.s.id_secret, f"enrolment|{hall_id}|{code}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
