"""Peripheral health reported by kiosks, pads and bridges (printer paper, pads offline…)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from ..core.errors import InvalidInput
from ..storage.models import DeviceStatus
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .event_log import append_event

D = table_of(DeviceStatus)
DEVICE_KINDS = ("printer", "pad", "ledbar", "keypad", "kiosk", "board", "announcer")
PROBLEM_STATES = ("paper_near_end", "paper_out", "cover_open", "offline", "error", "unknown")


class Devices:
    def __init__(self, services: Services) -> None:
        self.s = services

    def report(self, principal: Principal, device: str, kind: str, state: str, detail: str = "") -> dict[str, Any]:
        """Store the state; an event goes out only when it changed, so polling devices stay quiet."""
        principal.require("kiosk", "pad", "board", "clerk", "supervisor", "admin")
        if kind not in DEVICE_KINDS:
            raise InvalidInput("invalid_device_kind", kind=kind, kinds=", ".join(DEVICE_KINDS))
        now = self.s.clock.now()
        name = device.strip()[:100]
        if not name:
            raise InvalidInput("field_required", field="device")
        with self.s.db.write() as conn:
            row = conn.execute(select(D).where(D.c.hall_id == principal.hall_id, D.c.device == name)).first()
            changed = row is None or row.state != state or row.detail != detail
            if row is None:
                conn.execute(
                    D.insert().values(
                        hall_id=principal.hall_id, device=name, kind=kind, state=state, detail=detail, reported_at=now
                    )
                )
            else:
                conn.execute(
                    update(D).where(D.c.id == row.id).values(kind=kind, state=state, detail=detail, reported_at=now)
                )
            view = {
                "device": name,
                "kind": kind,
                "state": state,
                "detail": detail,
                "problem": state in PROBLEM_STATES,
                "reported_at": now.isoformat(),
            }
            if changed:
                append_event(
                    self.s.db,
                    conn,
                    principal.hall_id,
                    "device.status",
                    now,
                    {"device_status": view},
                    actor=principal.label,
                )
        return view

    def list(self, principal: Principal) -> list[dict[str, Any]]:
        principal.require("supervisor", "admin")
        with self.s.db.read() as conn:
            rows = conn.execute(select(D).where(D.c.hall_id == principal.hall_id).order_by(D.c.device)).all()
        return [
            {
                "device": r.device,
                "kind": r.kind,
                "state": r.state,
                "detail": r.detail,
                "problem": r.state in PROBLEM_STATES,
                "reported_at": r.reported_at.isoformat(),
            }
            for r in rows
        ]
