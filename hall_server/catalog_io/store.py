"""Reading the hall's catalog out of the database and writing an imported one back in a
single transaction (all rows or none)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update

from ..services.base import Services
from ..services.matter_rows import matter_values
from ..storage.models import Hall, MatterRow
from ..storage.types import table_of
from .workbook import CatalogEntry

M, H = table_of(MatterRow), table_of(Hall)


def catalog_rows(services: Services, hall_id: int) -> list[CatalogEntry]:
    ctx = services.halls.get(hall_id)
    return [
        CatalogEntry(s.matter, s.sort_order, s.active)
        for s in sorted(ctx.matters.values(), key=lambda s: (s.sort_order, s.id))
    ]


def _upsert(conn, hall_id: int, existing: dict[str, int], e: CatalogEntry) -> bool:
    """Write one entry by its code; True if it replaced an existing matter."""
    m = e.matter
    values = {
        **matter_values(m),
        "sort_order": e.sort_order,
        "active": e.active,
    }
    if m.code in existing:
        conn.execute(update(M).where(M.c.id == existing[m.code]).values(**values))
        return True
    conn.execute(M.insert().values(hall_id=hall_id, **values))
    return False


def save_matter(services: Services, hall_id: int, entry: CatalogEntry) -> bool:
    """Create or replace one matter (the admin page's edit form); the others stay as they are.
    True if it existed."""
    now = services.clock.now()
    with services.db.write() as conn:
        existing = dict(
            conn.execute(select(M.c.code, M.c.id).where(M.c.hall_id == hall_id, M.c.code == entry.matter.code)).all()
        )
        replaced = _upsert(conn, hall_id, existing, entry)
        conn.execute(update(H).where(H.c.id == hall_id).values(updated_at=now))
    services.halls.invalidate(hall_id)
    return replaced


def apply_catalog(
    services: Services, hall_id: int, entries: list[CatalogEntry], progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Update matters by code, add new ones; matters missing from the file are deactivated,
    never deleted (tickets and cases keep pointing at them)."""
    now = services.clock.now()
    counts = {"added": 0, "updated": 0, "deactivated": 0}
    with services.db.write() as conn:
        existing = dict(conn.execute(select(M.c.code, M.c.id).where(M.c.hall_id == hall_id)).all())
        for done, e in enumerate(entries, start=1):
            counts["updated" if _upsert(conn, hall_id, existing, e) else "added"] += 1
            if progress:
                progress(done, len(entries))
        gone = set(existing) - {e.matter.code for e in entries}
        if gone:
            counts["deactivated"] = conn.execute(
                update(M).where(M.c.hall_id == hall_id, M.c.code.in_(gone), M.c.active.is_(True)).values(active=False)
            ).rowcount
        # Every process reloads the hall's context when updated_at changes.
        conn.execute(update(H).where(H.c.id == hall_id).values(updated_at=now))
    services.halls.invalidate(hall_id)
    return counts
