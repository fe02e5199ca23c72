"""The hall as boards, kiosks and supervisors see it, and the open/closed ticker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection

from ..core.duty_days import DutyDay, duty_day_from_storage, parse_duty_day
from ..core.errors import Conflict, InvalidInput
from ..core.schedule import Schedule
from ..core.working_calendar import DUTY, OVERRIDE_KINDS, WorkingCalendar
from ..storage.event_log import recent_calls
from ..storage.repositories.calendar import CalendarOverrides, OverrideRecord
from ..storage.repositories.halls import bump_calendar_version, claim_open_state, open_states, store_open_state
from ..storage.repositories.tickets import TicketRepository
from .access import Principal
from .base import Services
from .calendar_bookings import CANCEL_AND_NOTIFY, CalendarBookings
from .context import HallContext
from .event_log import append_event
from .event_payloads import CalendarChanged
from .projection import day_summary, new_walk_in

# A board lists at most this many recent calls; a reloaded board rebuilds its list from these.
RECENT_CALLS = 12


def _iso(t: datetime | None, tz: Any) -> str | None:
    return t.astimezone(tz).isoformat() if t else None


def open_state(ctx: HallContext, now: datetime) -> str:
    m = ctx.schedule.moment(now)
    return "open" if m.walk_in else "appointment_only" if m.open else "closed"


class HallOverview:
    def __init__(self, services: Services, bookings: CalendarBookings) -> None:
        self.s = services
        self.bookings = bookings  # the bookings a calendar change strands
        # Today's 带班 leader (masked name, title), from the duty roster when the server has one.
        self.duty_leader: Callable[[int, datetime], dict[str, str] | None] | None = None
        # The banner for bookings the current schedule has no seat for (stranded_bookings.py).
        self.stranded_warning: Callable[[Connection, HallContext, datetime, str], dict[str, Any] | None] | None = None

    def status(self, ctx: HallContext, now: datetime, waiting: int) -> dict[str, Any]:
        nxt = ctx.schedule.next_open_at(now)
        tz = ctx.config.timezone
        today = ctx.schedule.local_date(now)
        info = ctx.calendar.day_info(today)
        return {
            "hall": ctx.code,
            "state": open_state(ctx, now),
            "waiting": waiting,
            "next_open_at": nxt.astimezone(tz).isoformat() if nxt else None,  # the next closed→open moment
            "next_period_at": _iso(ctx.schedule.next_period_at(now), tz),
            "today": {
                "date": today.isoformat(),
                "kind": info.kind,
                "holiday_name": info.holiday_name,
                "periods": ctx.schedule.day_summary(today),
                # 节假日受理 today (a calendar duty day or the hall file's holiday slot), for the
                # board's hours line and the kiosk; None on other days.
                "duty_day": ctx.schedule.duty_day(today),
            },
        }

    def _waiting(self, conn: Connection, ctx: HallContext, now: datetime) -> int:
        return TicketRepository(conn).waiting(ctx.id, ctx.schedule.local_date(now))

    def _recent_calls(self, conn: Connection, ctx: HallContext, now: datetime) -> list[dict[str, Any]]:
        """Today's latest calls from the event log: number and window only (boards are public), and
        whether the number is still called (not started nor gone: the board's big area keeps it)."""
        midnight = datetime.combine(ctx.schedule.local_date(now), time(0), tzinfo=ctx.config.timezone)
        events = recent_calls(conn, ctx.id, midnight, RECENT_CALLS)
        called = TicketRepository(conn).still_called(e.ticket_id for e in events if e.ticket_id is not None)
        return [
            {
                "number": e.data["ticket"]["number"],
                "window": e.window_number if e.window_number is not None else e.data["ticket"].get("window_number"),
                "recall": e.type == "ticket.recalled",
                "at": e.occurred_at.astimezone(ctx.config.timezone).isoformat(),
                "still_called": e.ticket_id in called,
            }
            for e in events
        ]

    def view(self, principal: Principal, locale: str) -> dict[str, Any]:
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        cfg = ctx.config
        with self.s.db.read() as conn:
            waiting = self._waiting(conn, ctx, now)
            calls = self._recent_calls(conn, ctx, now)
            # For boards and kiosks: when the line is expected to end and the last start today (no personal data).
            day = day_summary(conn, ctx, now)
            # A number taken now: the board's expected wait and its closing notice (the kiosk's consent rule).
            day["new_ticket"] = new_walk_in(conn, ctx, now)
        view: dict[str, Any] = {
            "code": cfg.code,
            "name": cfg.name,
            "short_name": cfg.short_name,
            "timezone": str(cfg.timezone),
            "server_time": now.astimezone(cfg.timezone).isoformat(),
            "status": self.status(ctx, now, waiting),
            "windows": [{"number": w.number, "name": w.name} for w in cfg.windows],
            "priority_groups": [{"code": g.code, "name": g.name} for g in cfg.priority_groups],
            "slip_notices": list(cfg.slip_notices),
            "recent_calls": calls,
            "projection": day,
            "rules": {
                "no_show_after_calls": cfg.queue.no_show_after_calls,
                "appointment_early_minutes": cfg.queue.appointment_early_minutes,
                "appointment_late_minutes": cfg.queue.appointment_late_minutes,
                "after_cutoff": cfg.queue.after_cutoff,
            },
            # For `yichuang announcer`: how the hall wants numbers read (docs/voice.md).
            "announcer": {"present": cfg.announcer.present, "one": cfg.announcer.one},
        }
        if self.duty_leader is not None:
            view["duty_leader"] = self.duty_leader(ctx.id, now)
        if principal.role in ("supervisor", "admin"):  # staff only: boards and kiosks are public
            view["warnings"] = [
                {"key": w.key, "severity": w.severity, "message": w.message, "year": w.year}
                for w in ctx.calendar.warnings(now.astimezone(cfg.timezone).date(), locale)
            ]
            if self.stranded_warning is not None:
                with self.s.db.read() as conn:
                    stranded = self.stranded_warning(conn, ctx, now, locale)
                if stranded is not None:
                    view["warnings"].insert(0, stranded)
        return view

    def tick(self) -> int:
        """Emit hall.status for every hall whose open state changed; returns how many did.

        The compare-and-set on hall_runtime makes exactly one process emit each change,
        however many server processes run this ticker.
        """
        changed = 0
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            stored = open_states(conn)
        for hall_id in self.s.halls.all_ids():
            ctx = self.s.halls.get(hall_id)
            state = open_state(ctx, now)
            if stored.get(hall_id) == state:
                continue  # nothing changed: no write transaction (on SQLite it would lock every writer)
            with self.s.db.write() as conn:
                if claim_open_state(conn, hall_id, state):
                    append_event(
                        self.s.db,
                        conn,
                        hall_id,
                        "hall.status",
                        now,
                        {"hall_status": self.status(ctx, now, self._waiting(conn, ctx, now))},
                    )
                    changed += 1
        return changed

    def _announce_status(self, ctx: HallContext, now: datetime) -> None:
        """A changed calendar can change today's hours, the open state or the next opening: boards
        and kiosks get the new status at once (they replace theirs from hall.status), and the
        stored open state moves with it so the ticker does not announce the same change again."""
        with self.s.db.write() as conn:
            store_open_state(conn, ctx.id, open_state(ctx, now))
            status = self.status(ctx, now, self._waiting(conn, ctx, now))
            append_event(self.s.db, conn, ctx.id, "hall.status", now, {"hall_status": status})

    # --- the local calendar table ------------------------------------------------------
    def set_override(
        self,
        principal: Principal,
        day: date,
        kind: str | None,
        note: str = "",
        *,
        hours: list[Any] | None = None,
        windows: list[Any] | None = None,
        appointment_only: bool | None = None,
        affected_bookings: str | None = None,
        book_url: str = "/book",
    ) -> dict[str, Any]:
        """Mark a date as a working day, a holiday, or a 节假日受理 duty day with its own hours and
        windows (kind "duty"); kind None removes the entry.

        Bookings of that day the new calendar has no seat for refuse the change (409, with the
        list for the supervisor) unless ``affected_bookings`` is "cancel_and_notify": then they
        are cancelled by the hall in the same transaction and each resident gets an SMS with the
        /book link (``book_url``) to pick a new slot."""
        if kind not in (None, *OVERRIDE_KINDS):
            raise InvalidInput("invalid_override_kind", kind=kind)
        ctx = self.s.halls.get(principal.hall_id)
        duty: DutyDay | None = None
        if kind == DUTY:
            duty = parse_duty_day(hours, windows, bool(appointment_only), note, ctx.config.window_numbers)
        else:
            given = {"hours": hours, "windows": windows, "appointment_only": appointment_only}
            extra = next((name for name, value in given.items() if value is not None), None)
            if extra is not None and kind is not None:
                raise InvalidInput("duty_fields_need_duty", field=extra)
        note = note.strip()[:100]
        stored_hours, stored_windows = duty.storage() if duty else (None, None)
        entry = None
        if kind is not None:
            appointment_only = duty.appointment_only if duty else None
            entry = OverrideRecord(day, kind, note, stored_hours, stored_windows, appointment_only)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            # The hall row first (storage/repositories/halls.py): each booking holds it before taking
            # a seat, so none lands between reading the day's bookings below and the commit; the
            # new version makes every process reload the calendar.
            bump_calendar_version(conn, principal.hall_id, now)
            schedule = self._schedule_with(conn, ctx, day, entry)
            found = self.bookings.find(conn, ctx, day, schedule, now)
            if found and affected_bookings != CANCEL_AND_NOTIFY:
                raise Conflict("calendar_change_strands_bookings", date=day.isoformat(), n=len(found)).with_details(
                    affected=self.bookings.staff_list(ctx, found)
                )
            if entry is None:
                CalendarOverrides(conn).remove(principal.hall_id, day)
            else:
                CalendarOverrides(conn).save(principal.hall_id, day, entry)
            event: CalendarChanged = {
                "date": day.isoformat(),
                "kind": kind,
                "note": note,
                "cancelled_bookings": len(found),
            }
            if duty is not None:
                event["duty_day"] = _duty_view(duty)
            append_event(self.s.db, conn, principal.hall_id, "calendar.changed", now, event, actor=principal.label)
            notes = self.bookings.cancel(conn, ctx, found, now, book_url, principal.label)
        self.bookings.appointments.messages.send(notes)
        self.s.halls.invalidate(principal.hall_id)
        ctx = self.s.halls.get(principal.hall_id)
        self._announce_status(ctx, now)
        info = ctx.calendar.day_info(day)
        return {
            "date": day.isoformat(),
            "cancelled_bookings": len(found),
            "is_working_day": info.is_working_day,
            "kind": info.kind,
            "source": info.source,
            "note": info.note,
            "duty_day": ctx.schedule.duty_day(day),
        }

    @staticmethod
    def _schedule_with(conn: Connection, ctx: HallContext, day: date, entry: OverrideRecord | None) -> Schedule:
        """The hall's schedule as it will be with ``entry`` for ``day`` (None: no entry), from the
        override table read in this transaction (the in-memory one may be seconds old)."""
        table = {r.day: r for r in CalendarOverrides(conn).of_hall(ctx.id) if r.day != day}
        if entry is not None:
            table[day] = entry
        return Schedule(ctx.config, WorkingCalendar(table))

    def overrides(self, principal: Principal) -> list[dict[str, Any]]:
        with self.s.db.read() as conn:
            rows = CalendarOverrides(conn).of_hall(principal.hall_id)
        result = []
        for r in rows:
            entry: dict[str, Any] = {"date": r.day.isoformat(), "kind": r.kind, "note": r.note}
            if r.kind == DUTY:
                entry |= _duty_view(duty_day_from_storage(r.hours, r.windows, r.appointment_only, r.note))
            result.append(entry)
        return result


def _duty_view(duty: DutyDay) -> dict[str, Any]:
    return {"hours": duty.hours_text(), "windows": list(duty.windows), "appointment_only": duty.appointment_only}
