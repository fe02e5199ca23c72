"""预约办理 step by step: after the matter, a day with a free seat, a slot, the name (surname and
先生/女士), the phone, one booking sent and its slip printed. What the draft holds and the keys
for the name are in booking.py."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from hall_common.i18n import message

from . import hall_client as hc
from .booking import MAX_DAYS, BookingDraft, DayChoice, free_seats
from .context import Context, Screen
from .hall_state import HallState
from .printing import Printing


class BookingFlow:
    def __init__(self, ctx: Context, hall: HallState, printing: Printing) -> None:
        self.ctx, self.hall, self.printing = ctx, hall, printing
        self.draft = BookingDraft()
        self.appointment: dict | None = None  # the booking just made (the BOOKED screen)
        self._query = 0  # answers to an abandoned booking are dropped

    def reset(self) -> None:
        self.draft = BookingDraft()
        self._query += 1

    def open(self, matter_id: int | None = None, known: bool = False) -> None:
        """From the first screen (choose the matter first), or from a refusal that already knows it."""
        self.draft = BookingDraft()
        self.ctx.touch()
        if known:
            self.book_matter(matter_id)
        else:
            self.ctx.go(Screen.GROUPS)

    def book_matter(self, matter_id: int | None) -> None:
        ctx = self.ctx
        matter = self.hall.matter(matter_id)
        name = matter["name"] if matter else message("kiosk.matters_general_name", ctx.locale)
        self.draft = BookingDraft(matter_id=matter_id, matter_name=name, loading=True)
        self._query += 1
        query = self._query
        ctx.go(Screen.BOOK_DAY)

        def job() -> None:
            try:
                days = self._bookable_days(matter_id)
            except hc.ApiError as exc:
                ctx.post(functools.partial(self._failed, query, exc))
                return
            ctx.post(lambda: self._days_found(query, days))

        ctx.background(job)

    def _bookable_days(self, matter_id: int | None) -> list[DayChoice]:
        """The next days with a free seat, from tomorrow to the hall's horizon (one request a day:
        the server says which days have slots, by its own calendar)."""
        client = self.ctx.client
        first = client.slots(None, matter_id)
        today, last = date.fromisoformat(first["today"]), date.fromisoformat(first["last_day"])
        found: list[DayChoice] = []
        day = today
        while len(found) < MAX_DAYS:
            day += timedelta(days=1)
            if day > last:
                break
            answer = client.slots(day.isoformat(), matter_id)
            free = sum(free_seats(s) for s in answer["slots"])
            if free:
                found.append(DayChoice(day, free, answer["slots"]))
        return found

    def _days_found(self, query: int, days: list[DayChoice]) -> None:
        if query != self._query:
            return
        self.draft.days, self.draft.loading = days, False
        self.draft.note = "" if days else message("kiosk.book_no_days", self.ctx.locale)
        self.ctx.changed()

    def _failed(self, query: int, exc: hc.ApiError, screen: Screen | None = None) -> None:
        """Any refusal in plain Chinese where it happened, with what to do; the draft is kept."""
        if query != self._query:
            return
        self.draft.loading = self.draft.submitting = False
        self.ctx.touch()
        # Otherwise the server's own Chinese words (已约满, 手机号格式不正确, 爽约 …).
        note = self.ctx.refusal_note(exc, "kiosk.book_offline", "kiosk.book_uncertain")
        if note is None:
            return
        if exc.kind == hc.UNCERTAIN:
            self.draft.uncertain = True  # never book again blindly: the booking may exist already
        self.draft.note = note
        if screen is not None:
            self.ctx.go(screen)
        else:
            self.ctx.changed()

    # --- the draft, screen by screen ----------------------------------------------------------
    def choose_day(self, index: int) -> None:
        if 0 <= index < len(self.draft.days):
            self.draft.day, self.draft.note = self.draft.days[index], ""
            self.ctx.go(Screen.BOOK_SLOT)

    def choose_slot(self, start: str) -> None:
        slot = next((s for s in self.draft.free_slots() if s["start"] == start), None)
        if slot is not None:
            self.draft.slot, self.draft.note = slot, ""
            self.ctx.go(Screen.BOOK_NAME)

    def name_letter(self, letter: str | None) -> None:
        self.draft.letter = letter
        self.ctx.changed()

    def name_surname(self, surname: str) -> None:
        self.draft.surname, self.draft.note = surname, ""
        self.ctx.changed()

    def name_title(self, title: str) -> None:
        self.draft.title, self.draft.note = title, ""
        self.ctx.changed()

    def name_done(self) -> None:
        if not self.draft.name:
            key = "book_name_missing_surname" if not self.draft.surname else "book_name_missing_title"
            self.draft.note = message(f"kiosk.{key}", self.ctx.locale)
            self.ctx.changed()
            return
        self.draft.note = ""
        self.ctx.go(Screen.BOOK_PHONE)

    def phone_press(self, key: str) -> None:
        self.draft.press_phone(key)
        if not self.draft.submitting:
            self.draft.note = ""
        self.ctx.changed()

    # --- the booking ---------------------------------------------------------------------------
    def confirm(self) -> bool:
        """POST the booking once; False when the phone is incomplete or a booking is under way."""
        ctx, b = self.ctx, self.draft
        if b.submitting or b.slot is None or b.uncertain:
            return False  # after a lost answer, a second tap could book twice: staff look it up
        if not b.phone_complete:
            b.note = message("kiosk.book_phone_incomplete", ctx.locale)
            ctx.changed()
            return False
        b.submitting, b.note = True, message("kiosk.book_submitting", ctx.locale)
        self._query += 1
        query = self._query
        slot, hall = b.slot, self.hall.info or {}
        ctx.changed()

        def job() -> None:
            try:
                appt = ctx.client.book(
                    matter_id=b.matter_id, resident_name=b.name, slot_start=slot["start"], phone=b.phone
                )
            except hc.ApiError as exc:
                if exc.kind == hc.CONFLICT and exc.code == "slot_full":
                    self._refresh_day_after_full(query, exc)
                else:
                    ctx.post(functools.partial(self._failed, query, exc))
                return
            ctx.post(lambda: self._booked(query, appt))
            if ctx.printer is None:
                return
            matter = self.hall.matter(b.matter_id)
            booked_at = ctx.client.server_now()
            result = ctx.printer.print_booking(appt, slot, b.matter_name, matter, hall, b.name, booked_at)
            ctx.post(lambda: self.printing.printed(result, "book", (self.appointment or {}).get("code", "")))
            self.printing.checked(result.status)

        ctx.background(job)
        return True

    def _refresh_day_after_full(self, query: int, exc: hc.ApiError) -> None:
        """Worker: the slot filled up meanwhile; show the day's seats as they are now."""
        day = self.draft.day
        try:
            fresh = self.ctx.client.slots(day.day.isoformat(), self.draft.matter_id) if day else None
        except hc.ApiError:
            fresh = None

        def show() -> None:
            if query != self._query:
                return
            if fresh is not None and day is not None:
                day.slots = fresh["slots"]
                day.free = sum(free_seats(s) for s in fresh["slots"])
            self.draft.slot = None
            self._failed(query, exc, Screen.BOOK_SLOT)

        self.ctx.post(show)

    def _booked(self, query: int, appt: dict) -> None:
        if query != self._query:
            return
        self.draft.submitting, self.draft.note = False, ""
        self.appointment, self.ctx.online = appt, True
        self.printing.expect_slip()
        self.printing.message = ""
        self.ctx.touch()
        self.ctx.go(Screen.BOOKED)
