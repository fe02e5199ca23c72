"""Bookings that look like hoarding, for the supervisor to see and release.

What counts as suspicious (each a group the supervisor may release at once):
* ``address``: ADDRESS_SUSPECT or more seats still to come booked from one network address (the
  public limit lets a family book for its elders; a script on one machine shows up here first);
* ``phone_pattern``: PATTERN_SUSPECT or more different phones that differ only in their last two
  digits (a run of SIM cards bought together), with their seats still to come;
* ``held``: holds still waiting for their SMS code (they expire by themselves; a flood of them
  from many addresses is released here at once).
Only seats still to come are listed (held or booked, slot not started); names and phones masked.
Releasing cancels the given codes for the hall (status ``released``), frees their seats in the
same transaction, texts a confirmed phone that the hall released the booking, and logs who did it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..core.errors import Conflict
from ..core.identity import mask_name, mask_phone
from ..storage.repositories.appointments import SEATED, AppointmentRecord, AppointmentRepository
from .access import Principal
from .appointments import Appointments
from .base import Services
from .event_log import append_event

ADDRESS_SUSPECT = 5
PATTERN_SUSPECT = 3
MAX_LISTED = 2000  # a hall's fortnight of seats is ~500: more than enough, and bounded


class BookingWatch:
    def __init__(self, services: Services, appointments: Appointments) -> None:
        self.s = services
        self.appointments = appointments

    def suspects(self, principal: Principal) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        tz = ctx.config.timezone
        with self.s.db.read() as conn:
            rows = AppointmentRepository(conn).seats_to_come(ctx.id, now, MAX_LISTED)
        by_address: dict[str, list[AppointmentRecord]] = defaultdict(list)
        by_pattern: dict[str, list[AppointmentRecord]] = defaultdict(list)
        for r in rows:
            if r.booked_from:
                by_address[r.booked_from].append(r)
            if r.phone and len(r.phone) == 11:
                by_pattern[r.phone[:9]].append(r)

        def item(r: AppointmentRecord) -> dict[str, Any]:
            return {
                "code": r.code,
                "slot_start": r.slot_start.astimezone(tz).isoformat(),
                "resident_masked": mask_name(r.resident_name),
                "phone_masked": mask_phone(r.phone),
                "status": r.status,
                "channel": r.channel,
            }

        groups: list[dict[str, Any]] = []
        for address, items in by_address.items():
            if len(items) >= ADDRESS_SUSPECT:
                groups.append({"kind": "address", "key": address.removeprefix("addr:"), "bookings": items})
        for prefix, items in by_pattern.items():
            if len({r.phone for r in items}) >= PATTERN_SUSPECT:
                groups.append({"kind": "phone_pattern", "key": f"{prefix[:3]}****{prefix[7:9]}xx", "bookings": items})
        held = [r for r in rows if r.status == "held"]
        if held:
            groups.append({"kind": "held", "key": "", "bookings": held})
        return {
            "thresholds": {"address": ADDRESS_SUSPECT, "phone_pattern": PATTERN_SUSPECT},
            "groups": [
                {**g, "count": len(g["bookings"]), "bookings": [item(r) for r in g["bookings"]]}
                for g in sorted(groups, key=lambda g: -len(g["bookings"]))
            ],
        }

    def release(self, principal: Principal, codes: list[str]) -> dict[str, Any]:
        """Release the bookings whose codes the supervisor saw: all or nothing (a code no longer
        holding a seat — confirmed, checked in or cancelled meanwhile — refuses the whole list)."""
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        wanted = list(dict.fromkeys(c.strip() for c in codes))
        notes = []
        with self.s.db.write() as conn:
            bookings = AppointmentRepository(conn)
            rows = bookings.by_codes(ctx.id, wanted)
            found = {r.code: r for r in rows}
            gone = [c for c in wanted if c not in found or found[c].status not in SEATED or found[c].slot_start <= now]
            if gone:
                raise Conflict("release_changed", "appointments.release_changed", codes="、".join(gone[:10]))
            for r in rows:
                if not bookings.change(r.id, {"status": r.status}, status="released", cancel_reason="hoarding"):
                    raise Conflict("release_changed", "appointments.release_changed", codes=r.code)
                bookings.free_seat(ctx.id, r.slot_start)
                if r.status == "booked":  # a confirmed phone is told; an unconfirmed hold was never theirs
                    notes.append(self.appointments.messages.queue(conn, ctx, r, "released", now))
            append_event(
                self.s.db,
                conn,
                ctx.id,
                "appointment.released",
                now,
                {"count": len(wanted)},  # no codes: they are check-in secrets, and devices get events
                actor=principal.label,
            )
        self.appointments.messages.send(notes)
        return {"released": len(wanted), "codes": wanted}
