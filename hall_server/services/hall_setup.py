"""Installing a hall (from its TOML config) with its windows, catalog and runtime row."""

from __future__ import annotations

from sqlalchemy import select, update

from ..core.catalog import Matter, default_catalog
from ..core.hall_config import HallConfig
from ..storage.models import Hall, HallRuntime, MatterRow, Staff, Window
from ..storage.types import table_of
from .base import Services
from .matter_rows import matter_values

H, W, M, R, S = table_of(Hall), table_of(Window), table_of(MatterRow), table_of(HallRuntime), table_of(Staff)


def install_hall(services: Services, config: HallConfig, matters: list[Matter] | None = None) -> int:
    """Create the hall or update its config; idempotent. New windows and matters are added,
    existing ones keep their state (a restart never wipes a working day)."""
    now = services.clock.now()
    with services.db.write() as conn:
        hall_id = conn.execute(select(H.c.id).where(H.c.code == config.code)).scalar()
        if hall_id is None:
            hall_id = conn.execute(
                H.insert()
                .returning(H.c.id)
                .values(
                    code=config.code, name=config.name, config_toml=config.source_text, created_at=now, updated_at=now
                )
            ).scalar_one()
            conn.execute(R.insert().values(hall_id=hall_id, priority_streak=0, open_state="unknown"))
        else:
            current = conn.execute(select(H.c.config_toml).where(H.c.id == hall_id)).scalar_one()
            if current != config.source_text:
                conn.execute(
                    update(H)
                    .where(H.c.id == hall_id)
                    .values(name=config.name, config_toml=config.source_text, updated_at=now)
                )
        existing = set(conn.execute(select(W.c.number).where(W.c.hall_id == hall_id)).scalars())
        for w in config.windows:
            if w.number not in existing:
                conn.execute(W.insert().values(hall_id=hall_id, number=w.number, name=w.name, status="open"))
        known = set(conn.execute(select(M.c.code).where(M.c.hall_id == hall_id)).scalars())
        for order, m in enumerate(matters if matters is not None else default_catalog()):
            if m.code in known:
                continue
            conn.execute(
                M.insert().values(
                    hall_id=hall_id,
                    **matter_values(m),
                    sort_order=order,
                    active=True,
                )
            )
    services.halls.invalidate(hall_id)
    return int(hall_id)


def add_staff(
    services: Services, hall_id: int, staff_no: str, name: str, role: str = "clerk", photo_url: str | None = None
) -> int:
    with services.db.write() as conn:
        existing = conn.execute(select(S.c.id).where(S.c.hall_id == hall_id, S.c.staff_no == staff_no)).scalar()
        if existing is not None:
            return int(existing)
        return int(
            conn.execute(
                S.insert()
                .returning(S.c.id)
                .values(hall_id=hall_id, staff_no=staff_no, name=name, role=role, photo_url=photo_url, active=True)
            ).scalar_one()
        )


DEMO_STAFF = (
    ("BZY001", "陈晓梅"),
    ("BZY002", "王建国"),
    ("BZY003", "李娟"),
    ("BZY004", "张伟"),
    ("BZY005", "刘芳"),
    ("BZY006", "周德胜"),
)
