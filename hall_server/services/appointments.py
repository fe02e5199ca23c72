"""Booking appointments (预约办理, 预约上门). Channels (hotline, web, mobile) come through this."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select

from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.identity import id_number_hash, mask_name, valid_id_number
from ..storage.models import Appointment
from ..storage.types import table_of
from .access import Principal
from .base import Services

A = table_of(Appointment)
CHANNELS = ("hotline", "web", "mobile", "window", "home_visit")


def appointment_view(row: Any, tz: tzinfo) -> dict[str, Any]:
    return {
        "id": row.id,
        "code": row.code,
        "matter_id": row.matter_id,
        "resident_masked": mask_name(row.resident_name),
        "id_number_tail": row.id_number_tail,
        "channel": row.channel,
        "place": row.place,
        "slot_start": row.slot_start.astimezone(tz).isoformat(),
        "slot_end": row.slot_end.astimezone(tz).isoformat(),
        "status": row.status,
        "ticket_id": row.ticket_id,
    }


class Appointments:
    def __init__(self, services: Services) -> None:
        self.s = services

    def book(
        self,
        principal: Principal,
        *,
        matter_id: int | None,
        resident_name: str,
        slot_start: datetime,
        slot_minutes: int = 30,
        id_number: str | None = None,
        phone: str | None = None,
        channel: str = "hotline",
        place: str | None = None,
    ) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        if channel not in CHANNELS:
            raise InvalidInput("invalid_channel", channel=channel, channels=", ".join(CHANNELS))
        if matter_id is not None and matter_id not in ctx.matters:
            raise NotFound("matter_not_found", matter_id=matter_id)
        if not resident_name or not resident_name.strip():
            raise InvalidInput("resident_name_required")
        if id_number and not valid_id_number(id_number):
            raise InvalidInput("invalid_id_number")
        if channel == "home_visit" and not (place and place.strip()):
            raise InvalidInput("home_visit_needs_place")
        if slot_start.tzinfo is None:
            slot_start = slot_start.replace(tzinfo=ctx.config.timezone)
        if slot_start < self.s.clock.now():
            raise InvalidInput("slot_in_past")
        # A slot must lie inside a period of the hall (home visits are arranged freely).
        if channel != "home_visit" and not ctx.schedule.moment(slot_start).open:
            raise Conflict("slot_outside_hours").with_details(
                day=list(ctx.schedule.day_summary(ctx.schedule.local_date(slot_start)))
            )
        with self.s.db.write() as conn:
            for _ in range(20):
                code = f"{secrets.randbelow(10**6):06d}"
                taken = conn.execute(select(A.c.id).where(A.c.hall_id == ctx.id, A.c.code == code)).first()
                if taken is None:
                    break
            row_id = conn.execute(
                A.insert()
                .returning(A.c.id)
                .values(
                    hall_id=ctx.id,
                    code=code,
                    matter_id=matter_id,
                    resident_name=resident_name.strip(),
                    id_number_hash=id_number_hash(self.s.id_secret, ctx.code, id_number) if id_number else None,
                    id_number_tail=id_number.strip()[-4:] if id_number else None,
                    phone=phone,
                    channel=channel,
                    place=place,
                    slot_start=slot_start,
                    slot_end=slot_start + timedelta(minutes=slot_minutes),
                    status="booked",
                    created_at=self.s.clock.now(),
                )
            ).scalar_one()
            row = conn.execute(select(A).where(A.c.id == row_id)).one()
        return appointment_view(row, ctx.config.timezone)

    def get(self, principal: Principal, code: str) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        with self.s.db.read() as conn:
            row = conn.execute(select(A).where(A.c.hall_id == ctx.id, A.c.code == code)).first()
        if row is None:
            raise NotFound("appointment_not_found")
        return appointment_view(row, ctx.config.timezone)
