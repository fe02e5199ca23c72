"""The hall's matter catalog as a whole: its entries in order (for the workbook), one matter
created or replaced (the admin page), a whole imported workbook applied in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, select, update

from ..core.catalog import CatalogEntry
from ..storage.models import Hall, MatterRow
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .matter_rows import matter_values

M, H = table_of(MatterRow), table_of(Hall)


class MatterCatalog:
    def __init__(self, services: Services) -> None:
        self.s = services

    def entries(self, hall_id: int) -> list[CatalogEntry]:
        ctx = self.s.halls.get(hall_id)
        return [
            CatalogEntry(s.matter, s.sort_order, s.active)
            for s in sorted(ctx.matters.values(), key=lambda s: (s.sort_order, s.id))
        ]

    def save(self, principal: Principal, entry: CatalogEntry) -> bool:
        """Create or replace one matter of the caller's hall; the others stay as they are.
        True if it existed."""
        principal.require("admin")
        hall_id, now = principal.hall_id, self.s.clock.now()
        with self.s.db.write() as conn:
            existing = dict(
                conn.execute(
                    select(M.c.code, M.c.id).where(M.c.hall_id == hall_id, M.c.code == entry.matter.code)
                ).all()
            )
            replaced = _upsert(conn, hall_id, existing, entry)
            conn.execute(update(H).where(H.c.id == hall_id).values(updated_at=now))
        self.s.halls.invalidate(hall_id)
        return replaced

    def apply(
        self, hall_id: int, entries: list[CatalogEntry], progress: Callable[[int, int], None] | None = None
    ) -> dict[str, int]:
        """Update matters by code, add new ones; matters missing from the file are deactivated,
        never deleted (tickets and cases keep pointing at them)."""
        now = self.s.clock.now()
        counts = {"added": 0, "updated": 0, "deactivated": 0}
        with self.s.db.write() as conn:
            existing = dict(conn.execute(select(M.c.code, M.c.id).where(M.c.hall_id == hall_id)).all())
            for done, e in enumerate(entries, start=1):
                counts["updated" if _upsert(conn, hall_id, existing, e) else "added"] += 1
                if progress:
                    progress(done, len(entries))
            gone = set(existing) - {e.matter.code for e in entries}
            if gone:
                counts["deactivated"] = conn.execute(
                    update(M)
                    .where(M.c.hall_id == hall_id, M.c.code.in_(gone), M.c.active.is_(True))
                    .values(active=False)
                ).rowcount
            # Every process reloads the hall's context when updated_at changes.
            conn.execute(update(H).where(H.c.id == hall_id).values(updated_at=now))
        self.s.halls.invalidate(hall_id)
        return counts


def _upsert(conn: Connection, hall_id: int, existing: dict[str, int], e: CatalogEntry) -> bool:
    """Write one entry by its code; True if it replaced an existing matter."""
    values = {**matter_values(e.matter), "sort_order": e.sort_order, "active": e.active}
    if e.matter.code in existing:
        conn.execute(update(M).where(M.c.id == existing[e.matter.code]).values(**values))
        return True
    conn.execute(M.insert().values(hall_id=hall_id, **values))
    return False
