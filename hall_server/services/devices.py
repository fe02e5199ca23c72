"""Peripheral health reported by kiosks, pads and bridges (printer paper, pads offline…)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select, update

from ..core.errors import Conflict, Forbidden, InvalidInput
from ..storage.models import DeviceStatus
from ..storage.repositories.enrolments import EnrolmentRepository
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .event_log import append_event

D = table_of(DeviceStatus)
DEVICE_KINDS = ("printer", "pad", "ledbar", "keypad", "kiosk", "board", "announcer")
PROBLEM_STATES = ("paper_near_end", "paper_out", "cover_open", "offline", "error", "unknown")
STATES = ("ok", "online") + PROBLEM_STATES
# A hall has a handful of peripherals; more rows than this are junk (each row is broadcast).
MAX_DEVICES = 100
MAX_DETAIL = 200
_ID = r"[A-Za-z0-9_-]{1,24}"


def allowed_names(principal: Principal) -> list[tuple[str, str]]:
    """(name pattern, kind) a token may report: each device only its own peripherals, so a public
    device's token (the board's is in the TV's address) cannot write arbitrary names or kinds."""
    w = principal.window_number
    own = rf"window-{w}" if w is not None else None
    kiosk = [(rf"kiosk-{_ID}/printer", "printer"), (rf"kiosk-{_ID}", "kiosk")]
    board = [(r"ledbar-\d{1,3}", "ledbar"), (rf"board-{_ID}", "board"), (rf"announcer-{_ID}", "announcer")]
    bridges = [(r"window-\d{1,3}/pad", "pad"), (r"window-\d{1,3}/keypad", "keypad")]
    window = [(rf"{own}/pad", "pad"), (rf"{own}/keypad", "keypad"), (rf"{own}/printer", "printer")] if own else []
    return {
        "kiosk": kiosk,
        "board": board,
        "pad": [(rf"{own}/pad", "pad")] if own else [],
        "clerk": window,
        "supervisor": kiosk + board + bridges + [(r"window-\d{1,3}/printer", "printer")],
        "admin": kiosk + board + bridges + [(r"window-\d{1,3}/printer", "printer")],
    }.get(principal.role, [])


class Devices:
    def __init__(self, services: Services) -> None:
        self.s = services

    def report(
        self, principal: Principal, device: str, kind: str, state: str, detail: str = "", version: str = ""
    ) -> dict[str, Any]:
        """Store the state; an event goes out only when it changed, so polling devices stay quiet.
        An enrolled device's report is also its last contact (and says its version, if it sends one)."""
        principal.require("kiosk", "pad", "board", "clerk", "supervisor", "admin")
        if kind not in DEVICE_KINDS:
            raise InvalidInput("invalid_device_kind", kind=kind, kinds=", ".join(DEVICE_KINDS))
        if state not in STATES:
            raise InvalidInput("invalid_device_state", state=state, states=", ".join(STATES))
        now = self.s.clock.now()
        name = device.strip()
        if not name:
            raise InvalidInput("field_required", field="device")
        if not any(re.fullmatch(pattern, name) and k == kind for pattern, k in allowed_names(principal)):
            raise Forbidden("device_name_not_allowed", role=principal.role, device=name[:40], kind=kind)
        detail = detail.strip()[:MAX_DETAIL]
        tz = self.s.halls.get(principal.hall_id).config.timezone
        with self.s.db.write() as conn:
            row = conn.execute(select(D).where(D.c.hall_id == principal.hall_id, D.c.device == name)).first()
            if row is None:
                count = conn.execute(select(func.count()).where(D.c.hall_id == principal.hall_id)).scalar_one()
                if count >= MAX_DEVICES:
                    raise Conflict("too_many_devices", maximum=MAX_DEVICES)
            changed = row is None or row.state != state or row.detail != detail
            if row is None:
                conn.execute(
                    D.insert().values(
                        hall_id=principal.hall_id,
                        device=name,
                        kind=kind,
                        state=state,
                        detail=detail,
                        reported_at=now,
                        token_id=principal.token_id,
                    )
                )
            else:
                conn.execute(
                    update(D)
                    .where(D.c.id == row.id)
                    .values(kind=kind, state=state, detail=detail, reported_at=now, token_id=principal.token_id)
                )
            if principal.token_id is not None:
                EnrolmentRepository(conn).seen(principal.token_id, now, version.strip()[:40])
            view = {
                "device": name,
                "kind": kind,
                "state": state,
                "detail": detail,
                "problem": state in PROBLEM_STATES,
                "reported_at": now.astimezone(tz).isoformat(),  # the hall's time, as every time staff see
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
        with self.s.db.read() as conn:
            rows = conn.execute(select(D).where(D.c.hall_id == principal.hall_id).order_by(D.c.device)).all()
        tz = self.s.halls.get(principal.hall_id).config.timezone
        return [
            {
                "device": r.device,
                "kind": r.kind,
                "state": r.state,
                "detail": r.detail,
                "problem": r.state in PROBLEM_STATES,
                "reported_at": r.reported_at.astimezone(tz).isoformat(),
            }
            for r in rows
        ]
