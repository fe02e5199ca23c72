"""Per-hall context kept in memory: config, calendar, schedule and catalog.

Loaded from the database and reloaded when the hall's ``updated_at`` changes
(config edits and calendar overrides bump it), checked at most every few seconds so
that several server processes converge without a query on every request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, select

from ..core.catalog import Matter
from ..core.errors import NotFound
from ..core.hall_config import HallConfig, parse_hall_config
from ..core.handling import HandlingTimes
from ..core.schedule import Period, Schedule
from ..core.working_calendar import WorkingCalendar
from ..storage.database import Database
from ..storage.models import Hall, MatterRow
from ..storage.repositories.calendar import CalendarOverrides
from .matter_rows import matter_from_row

RELOAD_CHECK_SECONDS = 2.0


@dataclass
class StoredMatter:
    id: int
    matter: Matter
    sort_order: int
    active: bool


@dataclass(frozen=True)
class LearnedTimes:
    """The hall's handling times as last learned (services/line_state.py): from how many finishes, and when."""

    version: int
    at: datetime
    times: HandlingTimes


@dataclass
class HallContext:
    id: int
    config: HallConfig
    calendar: WorkingCalendar
    schedule: Schedule
    matters: dict[int, StoredMatter]
    version: object
    checked_at: float = field(default_factory=time.monotonic)
    learned_times: LearnedTimes | None = field(default=None, repr=False)

    @property
    def code(self) -> str:
        return self.config.code


class CachedSchedule(Schedule):
    """Periods of a date never change until the context is reloaded, so compute them once."""

    def __init__(self, config: HallConfig, calendar: WorkingCalendar) -> None:
        super().__init__(config, calendar)
        self._cache: dict[date, list[Period]] = {}
        self._lock = threading.Lock()

    def periods(self, d: date) -> list[Period]:
        cached = self._cache.get(d)
        if cached is None:
            cached = super().periods(d)
            with self._lock:
                if len(self._cache) > 400:
                    self._cache.clear()
                self._cache[d] = cached
        return cached


class HallRegistry:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._by_id: dict[int, HallContext] = {}
        self._code_to_id: dict[str, int] = {}
        self._lock = threading.Lock()

    def get(self, hall_id: int) -> HallContext:
        ctx = self._by_id.get(hall_id)
        if ctx is not None and time.monotonic() - ctx.checked_at < RELOAD_CHECK_SECONDS:
            return ctx
        with self.db.read() as conn:
            version = conn.execute(select(Hall.updated_at).where(Hall.id == hall_id)).scalar()
            if version is None:
                raise NotFound("hall_not_found", hall=hall_id)
            if ctx is not None and ctx.version == version:
                ctx.checked_at = time.monotonic()
                return ctx
            ctx = self._load(conn, hall_id)
        with self._lock:
            self._by_id[hall_id] = ctx
            self._code_to_id[ctx.code] = hall_id
        return ctx

    def by_code(self, code: str) -> HallContext:
        hall_id = self._code_to_id.get(code)
        if hall_id is None:
            with self.db.read() as conn:
                hall_id = conn.execute(select(Hall.id).where(Hall.code == code)).scalar()
            if hall_id is None:
                raise NotFound("hall_not_found", hall=code)
        return self.get(hall_id)

    def by_code_or_first(self, code: str | None) -> HallContext:
        """The hall with this code, or the first hall installed when no code is given (one hall
        per server is the usual case, so commands and requests may leave the hall out)."""
        if code:
            return self.by_code(code)
        ids = self.all_ids()
        if not ids:
            raise NotFound("hall_not_found", hall="-")
        return self.get(ids[0])

    def reload(self, conn: Connection, hall_id: int) -> HallContext:
        """Load the hall's context on the caller's connection, as its transaction sees the hall
        (a booking holding the hall row: no second connection while it holds a write one)."""
        ctx = self._load(conn, hall_id)
        with self._lock:
            self._by_id[hall_id] = ctx
            self._code_to_id[ctx.code] = hall_id
        return ctx

    def invalidate(self, hall_id: int) -> None:
        with self._lock:
            self._by_id.pop(hall_id, None)

    def all_ids(self) -> list[int]:
        with self.db.read() as conn:
            return list(conn.execute(select(Hall.id).order_by(Hall.id)).scalars())

    def _load(self, conn: Connection, hall_id: int) -> HallContext:
        hall = conn.execute(select(Hall).where(Hall.id == hall_id)).one()
        config = parse_hall_config(hall.config_toml, f"hall {hall.code}")
        overrides = {r.day: r for r in CalendarOverrides(conn).of_hall(hall_id)}
        calendar = WorkingCalendar(overrides)
        matters = {}
        for row in conn.execute(select(MatterRow).where(MatterRow.hall_id == hall_id)).mappings():
            matters[row["id"]] = StoredMatter(
                row["id"],
                matter_from_row(dict(row)),
                row["sort_order"],
                row["active"],
            )
        return HallContext(hall_id, config, calendar, CachedSchedule(config, calendar), matters, hall.updated_at)
