"""The kiosk's behaviour without Kivy: which screen shows what, and what a tap does.

Threading: HTTP and printing run on ``worker`` (one thread, so the printer is
never used twice at once); results come back through ``post`` (Kivy's Clock on
the device, a direct call in tests), so all state changes happen on one thread
and the screen never waits for the network.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from hall_common.i18n import When, message
from hardware.printer import JobOutcome, PrinterState, PrinterStatus, PrintResult

from . import hall_client as hc
from .booking import MAX_DAYS, BookingDraft, DayChoice, free_seats
from .case_number_pad import CaseNumberPad
from .case_progress import ProgressText, describe
from .event_stream import OFFLINE, ONLINE, UNAUTHORIZED
from .keypad import CODE, Keypad
from .matter_finder import MatterFinder, SearchBox
from .scanner import APPOINTMENT, CASE, read_scan
from .slip_printing import TROUBLE, SlipPrinter

log = logging.getLogger(__name__)

RETRY_SECONDS = 3.0  # while offline, how often to ask the server again


class Screen(StrEnum):
    LOADING = "loading"
    HOME = "home"
    GROUPS = "groups"  # after 取号: the hall's 常办事项, and the ways to find any other matter
    DEPARTMENTS = "departments"
    MATTERS = "matters"  # one department's matters
    SEARCH = "search"  # by pinyin initials
    PRIORITY = "priority"
    CHECKIN = "checkin"
    PROGRESS = "progress"  # the case-number keypad
    PROGRESS_RESULT = "progress_result"  # what the server says about that case
    WORKING = "working"
    TICKET = "ticket"
    CONSENT = "consent"
    CLOSED = "closed"
    REFUSED = "refused"
    UNCERTAIN = "uncertain"
    ADMIN = "admin"
    # 预约办理: after the matter (the same 常办事项/department/search screens), day → slot → name → phone
    BOOK_DAY = "book_day"
    BOOK_SLOT = "book_slot"
    BOOK_NAME = "book_name"
    BOOK_PHONE = "book_phone"  # with the summary and 确认预约
    BOOKED = "booked"
    RETURN = "return"  # 补交材料 / 领取结果: case number + the phone's last 4 digits


# Where "back" goes: every screen has a way back.
PARENT = {
    Screen.MATTERS: Screen.DEPARTMENTS,
    Screen.DEPARTMENTS: Screen.GROUPS,
    Screen.SEARCH: Screen.GROUPS,
    Screen.PROGRESS_RESULT: Screen.PROGRESS,
    Screen.BOOK_DAY: Screen.GROUPS,
    Screen.BOOK_SLOT: Screen.BOOK_DAY,
    Screen.BOOK_NAME: Screen.BOOK_SLOT,
    Screen.BOOK_PHONE: Screen.BOOK_NAME,
}
TICKET, BOOK = "ticket", "book"  # what choosing a matter does


class PrintState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    NO_PRINTER = "no_printer"


class KioskModel:
    def __init__(
        self,
        client: hc.HallClient,
        printer: SlipPrinter | None,
        *,
        kiosk_id: str = "kiosk-1",
        locale: str = "zh_CN",
        idle_seconds: float = 30.0,
        appointment_hint: str = "",
        clock: Callable[[], float] = time.monotonic,
        post: Callable[[Callable[[], None]], None] | None = None,
        worker: Executor | None = None,
        reporter: Executor | None = None,
    ) -> None:
        self.client, self.printer = client, printer
        self.kiosk_id, self.locale, self.idle_seconds = kiosk_id, locale, idle_seconds
        self.appointment_hint = appointment_hint
        self.clock = clock
        self.post = post or (lambda fn: fn())
        self.worker = worker or ThreadPoolExecutor(1, thread_name_prefix="kiosk-worker")
        self.reporter = reporter or ThreadPoolExecutor(1, thread_name_prefix="kiosk-report")
        self._listeners: list[Callable[[], None]] = []
        # what the screens show
        self.screen = Screen.LOADING
        self.online: bool | None = None
        self.admin_error: str | None = None
        self.hall: dict | None = None
        self.matters: list[dict] = []
        self.group: str | None = None
        self.finder = MatterFinder([])
        self.search = SearchBox()
        self.waiting: int | None = None
        self.keypad = Keypad()
        self.keypad_error = ""
        self.case_pad = CaseNumberPad()
        self.progress_note = ""  # under the case-number keypad: querying…, or why it failed
        self.progress_querying = False
        self.progress: ProgressText | None = None
        self._progress_query = 0  # answers to an abandoned query are dropped
        self.ticket: dict | None = None
        # 预约办理 and the return lane
        self.purpose = TICKET
        self.booking = BookingDraft()
        self.appointment: dict | None = None  # the booking just made (the BOOKED screen)
        self._booking_query = 0  # answers to an abandoned booking are dropped
        self.return_pad = CaseNumberPad(code_digits=4)
        self.return_note = ""
        self.offer_booking = False  # a refusal (closing) that booking another day answers
        self.print_state: PrintState | None = None
        self.print_message = ""
        self.printer_status: PrinterStatus | None = None
        self.notice_title = ""
        self.notice_text = ""
        # The consent prompt says why (closing time), with how many are ahead.
        self.consent_ahead: int | None = None
        self.consent_closes: str | None = None
        self.next_open_at: str | None = None
        # bookkeeping
        self.busy = False
        self.issued_count = 0
        self.tap_at: float | None = None  # clock() of the tap that started the current issue
        self.last_printed_at: float | None = None
        self._pending: dict[str, Any] | None = None
        self._last_touch = clock()
        self._reported_printer: str | None = None
        self._refreshing = False
        self._last_refresh = clock()

    # --- observers ---------------------------------------------------------------------
    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _go(self, screen: Screen) -> None:
        self.screen = screen
        self._changed()

    def _background(self, job: Callable[[], None], executor: Executor | None = None) -> None:
        def guarded() -> None:
            try:
                job()
            except Exception:
                log.exception("kiosk background job failed")

        (executor or self.worker).submit(guarded)

    # --- start-up and the server's state ----------------------------------------------------
    def start(self) -> None:
        self.refresh()
        printer = self.printer
        if printer is not None:
            self._background(lambda: self._printer_checked(printer.status()))

    def refresh(self) -> None:
        self._refreshing, self._last_refresh = True, self.clock()

        def job() -> None:
            try:
                hall, matters = self.client.hall(), self.client.matters()
            except hc.ApiError as exc:
                self.post(functools.partial(self._load_failed, exc))
                return
            self.post(lambda: self._loaded(hall, matters))

        self._background(job, self.reporter)

    def _loaded(self, hall: dict, matters: list[dict]) -> None:
        self._refreshing = False
        self.hall, self.matters = hall, matters
        self.finder = MatterFinder(matters)
        self.waiting = hall.get("status", {}).get("waiting")
        self.online, self.admin_error = True, None
        if self.screen in (Screen.LOADING, Screen.ADMIN):
            self.screen = Screen.HOME
        self._changed()

    def _load_failed(self, exc: hc.ApiError) -> None:
        self._refreshing = False
        if exc.kind in (hc.UNAUTHORIZED, hc.FORBIDDEN):
            self._admin(exc)
        else:
            self.online = False
            self._changed()

    def _refusal_note(self, exc: hc.ApiError, offline_key: str, slow_key: str) -> str | None:
        """What a query screen (booking, case progress) says of a failed request, in Chinese;
        None when a bad token sent the kiosk to its admin screen instead."""
        if exc.kind in (hc.UNAUTHORIZED, hc.FORBIDDEN):
            self._admin(exc)
            return None
        if exc.kind == hc.UNREACHABLE:
            self.online = False
            return message(offline_key, self.locale)
        if exc.kind == hc.UNCERTAIN:
            return message(slow_key, self.locale)
        if exc.kind == hc.SERVER:
            return message("kiosk.server_error", self.locale, message=exc.text)
        return exc.text

    def _admin(self, exc: hc.ApiError) -> None:
        key = "admin_bad_token" if exc.kind == hc.UNAUTHORIZED else "admin_forbidden"
        self.admin_error = message(f"kiosk.{key}", self.locale, code=exc.code or exc.status)
        self._go(Screen.ADMIN)

    def stream_state(self, state: str) -> None:
        """From the event stream (UI thread): online, offline or unauthorized."""
        if state == ONLINE:
            was = self.online
            self.online = True
            self.refresh()  # the hall may have changed while we were away
            if was is not True:
                self._changed()
        elif state == OFFLINE:
            self.online = False
            self._changed()
        elif state == UNAUTHORIZED:
            self._admin(hc.HallUnauthorized(status=401, code="invalid_token"))

    def stream_event(self, kind: str, data: dict) -> None:
        if self.hall is None:
            return
        if kind == "hall.status" and data.get("hall_status"):
            status = dict(data["hall_status"])
            partial = "today" not in status
            if partial and "today" in self.hall.get("status", {}):
                status["today"] = self.hall["status"]["today"]
            self.hall["status"] = status
            self.waiting = status.get("waiting", self.waiting)
            if partial:
                # The event may carry less than GET /hall (today's 节假日受理 duty day): keep what
                # is shown and ask for the whole status (a few times a day: open, lunch, close).
                self.refresh()
        elif isinstance(data.get("waiting"), int):
            # Every ticket event carries the line's exact length after it (issue, call, transfer,
            # cancel, ...), and events come in order: take it rather than counting ourselves.
            self.waiting = data["waiting"]
        self._changed()

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo((self.hall or {}).get("timezone") or "Asia/Shanghai")

    @property
    def hall_state(self) -> str:
        return (self.hall or {}).get("status", {}).get("state", "open")

    # --- idle and touches --------------------------------------------------------------------
    def touch(self) -> None:
        self._last_touch = self.clock()

    def tick(self) -> None:
        """Called about once a second: back to the start screen after idle_seconds without a touch;
        while offline, ask the server again every few seconds (the event stream may not have
        noticed an outage that a request did)."""
        if (
            self.online is not True
            and not self.admin_error
            and not self._refreshing
            and self.clock() - self._last_refresh >= RETRY_SECONDS
        ):
            self.refresh()
        if self.screen in (Screen.HOME, Screen.LOADING, Screen.ADMIN, Screen.WORKING) or self.busy:
            return
        if self.clock() - self._last_touch >= self.idle_seconds:
            self.home()

    # --- navigation ---------------------------------------------------------------------------
    def home(self) -> None:
        self.group, self._pending, self.keypad_error = None, None, ""
        self.purpose, self.booking, self.offer_booking = TICKET, BookingDraft(), False
        self._booking_query += 1
        self.return_pad, self.return_note = CaseNumberPad(code_digits=4), ""
        self.search = SearchBox()
        self.keypad = Keypad()
        self._reset_progress()
        self._go(Screen.ADMIN if self.admin_error else Screen.HOME if self.hall else Screen.LOADING)

    def back(self) -> None:
        parent = PARENT.get(self.screen)
        if parent is None:
            self.home()
        else:
            self._go(parent)

    def open_take_number(self) -> None:
        self.purpose = TICKET
        if self.hall_state != "open":
            self._show_closed(self.hall_state, None, (self.hall or {}).get("status", {}).get("next_open_at"))
            return
        self._go(Screen.GROUPS)

    def open_priority(self) -> None:
        if self.hall_state != "open":
            self._show_closed(self.hall_state, None, (self.hall or {}).get("status", {}).get("next_open_at"))
            return
        self._go(Screen.PRIORITY)

    def open_checkin(self) -> None:
        self.keypad, self.keypad_error = Keypad(), ""
        self._go(Screen.CHECKIN)

    def open_progress(self) -> None:
        self._reset_progress()
        self._go(Screen.PROGRESS)

    def groups(self) -> list[tuple[str, str]]:
        """(domain, department) in catalog order; a group's button says the department's name."""
        return self.finder.departments()

    def frequent_matters(self) -> list[dict]:
        return self.finder.frequent()

    def open_departments(self) -> None:
        self._go(Screen.DEPARTMENTS)

    def open_search(self) -> None:
        self.search = SearchBox()
        self._go(Screen.SEARCH)

    def search_press(self, key: str) -> None:
        self.search.press(key)
        self._changed()

    def search_results(self) -> list[dict]:
        return self.finder.search(self.search.query)

    def choose_group(self, domain: str) -> None:
        self.group = domain
        self._go(Screen.MATTERS)

    def group_matters(self) -> list[dict]:
        return self.finder.in_department(self.group)

    def priority_groups(self) -> list[dict]:
        return list((self.hall or {}).get("priority_groups", []))

    def pick_matter(self, matter_id: int | None) -> bool:
        """A matter button: a number now, or (预约办理) the days it can be booked on."""
        if self.purpose == BOOK:
            self._book_matter(matter_id)
            return True
        return self.take_number(matter_id)

    # --- 预约办理 ----------------------------------------------------------------------------
    def open_booking(self, matter_id: int | None = None, known: bool = False) -> None:
        """From the first screen (choose the matter first), or from a refusal that already knows it."""
        self.purpose, self.booking, self.offer_booking = BOOK, BookingDraft(), False
        self.touch()
        if known:
            self._book_matter(matter_id)
        else:
            self._go(Screen.GROUPS)

    def _book_matter(self, matter_id: int | None) -> None:
        matter = next((m for m in self.matters if m["id"] == matter_id), None)
        name = matter["name"] if matter else message("kiosk.matters_general_name", self.locale)
        self.booking = BookingDraft(matter_id=matter_id, matter_name=name, loading=True)
        self._booking_query += 1
        query = self._booking_query
        self._go(Screen.BOOK_DAY)

        def job() -> None:
            try:
                days = self._bookable_days(matter_id)
            except hc.ApiError as exc:
                self.post(functools.partial(self._booking_failed, query, exc))
                return
            self.post(lambda: self._days_found(query, days))

        self._background(job)

    def _bookable_days(self, matter_id: int | None) -> list[DayChoice]:
        """The next days with a free seat, from tomorrow to the hall's horizon (one request a day:
        the server says which days have slots, by its own calendar)."""
        first = self.client.slots(None, matter_id)
        today, last = date.fromisoformat(first["today"]), date.fromisoformat(first["last_day"])
        found: list[DayChoice] = []
        day = today
        while len(found) < MAX_DAYS:
            day += timedelta(days=1)
            if day > last:
                break
            answer = self.client.slots(day.isoformat(), matter_id)
            free = sum(free_seats(s) for s in answer["slots"])
            if free:
                found.append(DayChoice(day, free, answer["slots"]))
        return found

    def _days_found(self, query: int, days: list[DayChoice]) -> None:
        if query != self._booking_query:
            return
        self.booking.days, self.booking.loading = days, False
        self.booking.note = "" if days else message("kiosk.book_no_days", self.locale)
        self._changed()

    def _booking_failed(self, query: int, exc: hc.ApiError, screen: Screen | None = None) -> None:
        """Any refusal in plain Chinese where it happened, with what to do; the draft is kept."""
        if query != self._booking_query:
            return
        self.booking.loading = self.booking.submitting = False
        self.touch()
        # Otherwise the server's own Chinese words (已约满, 手机号格式不正确, 爽约 …).
        note = self._refusal_note(exc, "kiosk.book_offline", "kiosk.book_uncertain")
        if note is None:
            return
        if exc.kind == hc.UNCERTAIN:
            self.booking.uncertain = True  # never book again blindly: the booking may exist already
        self.booking.note = note
        if screen is not None:
            self._go(screen)
        else:
            self._changed()

    def choose_day(self, index: int) -> None:
        if 0 <= index < len(self.booking.days):
            self.booking.day, self.booking.note = self.booking.days[index], ""
            self._go(Screen.BOOK_SLOT)

    def choose_slot(self, start: str) -> None:
        slot = next((s for s in self.booking.free_slots() if s["start"] == start), None)
        if slot is not None:
            self.booking.slot, self.booking.note = slot, ""
            self._go(Screen.BOOK_NAME)

    def name_letter(self, letter: str | None) -> None:
        self.booking.letter = letter
        self._changed()

    def name_surname(self, surname: str) -> None:
        self.booking.surname, self.booking.note = surname, ""
        self._changed()

    def name_title(self, title: str) -> None:
        self.booking.title, self.booking.note = title, ""
        self._changed()

    def name_done(self) -> None:
        if not self.booking.name:
            key = "book_name_missing_surname" if not self.booking.surname else "book_name_missing_title"
            self.booking.note = message(f"kiosk.{key}", self.locale)
            self._changed()
            return
        self.booking.note = ""
        self._go(Screen.BOOK_PHONE)

    def phone_press(self, key: str) -> None:
        self.booking.press_phone(key)
        if not self.booking.submitting:
            self.booking.note = ""
        self._changed()

    def confirm_booking(self) -> bool:
        """POST the booking once; False when the phone is incomplete or a booking is under way."""
        b = self.booking
        if b.submitting or b.slot is None or b.uncertain:
            return False  # after a lost answer, a second tap could book twice: staff look it up
        if not b.phone_complete:
            b.note = message("kiosk.book_phone_incomplete", self.locale)
            self._changed()
            return False
        b.submitting, b.note = True, message("kiosk.book_submitting", self.locale)
        self._booking_query += 1
        query = self._booking_query
        slot, hall = b.slot, self.hall or {}
        self._changed()

        def job() -> None:
            try:
                appt = self.client.book(
                    matter_id=b.matter_id, resident_name=b.name, slot_start=slot["start"], phone=b.phone
                )
            except hc.ApiError as exc:
                if exc.kind == hc.CONFLICT and exc.code == "slot_full":
                    self._refresh_day_after_full(query, exc)
                else:
                    self.post(functools.partial(self._booking_failed, query, exc))
                return
            self.post(lambda: self._booked(query, appt))
            if self.printer is None:
                return
            matter = next((m for m in self.matters if m["id"] == b.matter_id), None)
            booked_at = self.client.server_now()
            result = self.printer.print_booking(appt, slot, b.matter_name, matter, hall, b.name, booked_at)
            self.post(lambda: self._printed(result, booking=True))
            self._printer_checked(result.status)

        self._background(job)
        return True

    def _refresh_day_after_full(self, query: int, exc: hc.ApiError) -> None:
        """Worker: the slot filled up meanwhile; show the day's seats as they are now."""
        day = self.booking.day
        try:
            fresh = self.client.slots(day.day.isoformat(), self.booking.matter_id) if day else None
        except hc.ApiError:
            fresh = None

        def show() -> None:
            if query != self._booking_query:
                return
            if fresh is not None and day is not None:
                day.slots = fresh["slots"]
                day.free = sum(free_seats(s) for s in fresh["slots"])
            self.booking.slot = None
            self._booking_failed(query, exc, Screen.BOOK_SLOT)

        self.post(show)

    def _booked(self, query: int, appt: dict) -> None:
        if query != self._booking_query:
            return
        self.booking.submitting, self.booking.note = False, ""
        self.appointment, self.online = appt, True
        self.print_state = PrintState.PRINTING if self.printer else PrintState.NO_PRINTER
        self.print_message = ""
        self.touch()
        self._go(Screen.BOOKED)

    # --- return lane (补交材料 / 领取结果) ------------------------------------------------------
    def open_return(self, case_no: str = "", code: str = "") -> None:
        self.return_pad, self.return_note = CaseNumberPad(code_digits=4), ""
        if case_no:
            self.return_pad.fill(case_no)
        self._go(Screen.RETURN)

    def return_select(self, field: str) -> None:
        self.return_pad.select(field)
        self._changed()

    def return_press(self, key: str) -> None:
        self.return_pad.press(key)
        self.return_note = ""
        self._changed()

    def submit_return(self) -> bool:
        pad = self.return_pad
        case_no = pad.case_no()
        if case_no is None:
            self.return_note = message("kiosk.progress_too_short", self.locale)
            self._changed()
            return False
        if len(pad.code) != 4:
            pad.select("code")
            self.return_note = message("kiosk.return_tail_missing", self.locale)
            self._changed()
            return False
        pad.value = case_no
        return self._issue({"case_no": case_no, "phone_tail": pad.code})

    # --- the QR scanner (keyboard wedge) --------------------------------------------------
    def scanned(self, text: str) -> None:
        """What the scanner typed before Enter: a check-in code, or a notice's case number."""
        if self.busy or self.admin_error or self.hall is None:
            return
        self.touch()
        scan = read_scan(text)
        if scan.kind == APPOINTMENT and self.screen in (Screen.HOME, Screen.CHECKIN, Screen.CLOSED):
            self.keypad = Keypad()
            for digit in scan.code:
                self.keypad.press(digit)
            self.keypad_error = ""
            self.check_in()
        elif scan.kind == CASE and self.screen in (Screen.PROGRESS, Screen.PROGRESS_RESULT) and scan.code:
            self._reset_progress()
            self.case_pad.fill(scan.case_no, scan.code)
            self._go(Screen.PROGRESS)
            self.look_up_progress()
        elif scan.kind == CASE:
            self.open_return(scan.case_no)  # the phone's last 4 digits are still the resident's to type
        elif self.screen in (Screen.RETURN, Screen.CHECKIN):
            note = message("kiosk.scan_unknown", self.locale)
            if self.screen is Screen.RETURN:
                self.return_note = note
            else:
                self.keypad_error = note
            self._changed()

    # --- keypad ---------------------------------------------------------------------------
    def keypad_mode(self, mode: str) -> None:
        self.keypad.set_mode(mode)
        self.keypad_error = ""
        self._changed()

    def keypad_press(self, key: str) -> None:
        self.keypad.press(key)
        self.keypad_error = ""
        self._changed()

    def check_in(self) -> bool:
        if not self.keypad.complete:
            self.keypad_error = message(
                "kiosk.checkin_too_short_" + ("code" if self.keypad.mode == CODE else "id"), self.locale
            )
            self._changed()
            return False
        field = "appointment_code" if self.keypad.mode == CODE else "id_number"
        return self._issue({field: self.keypad.value})

    # --- case progress (办件进度查询) ---------------------------------------------------------
    def _reset_progress(self) -> None:
        self.case_pad, self.progress_note, self.progress = CaseNumberPad(), "", None
        self.progress_querying = False
        self._progress_query += 1

    def progress_select(self, field: str) -> None:
        self.case_pad.select(field)
        self._changed()

    def progress_press(self, key: str) -> None:
        self.case_pad.press(key)
        if not self.progress_querying:
            self.progress_note = ""
        self._changed()

    def look_up_progress(self) -> bool:
        """Ask the server about the typed case number; False when it is incomplete or a query runs."""
        if self.progress_querying:
            return False
        case_no = self.case_pad.case_no()
        if case_no is None:
            self.progress_note = message("kiosk.progress_too_short", self.locale)
            self._changed()
            return False
        code = self.case_pad.query_code()
        if code is None:
            self.case_pad.select("code")
            self.progress_note = message("kiosk.progress_code_missing", self.locale)
            self._changed()
            return False
        self.case_pad.value = case_no  # show the number as the server knows it
        self._progress_query += 1
        query = self._progress_query
        self.progress_querying = True
        self.progress_note = message("kiosk.progress_querying", self.locale)
        self._changed()

        def job() -> None:
            try:
                try:
                    view = self.client.case_progress(case_no, code)
                except hc.ApiError as exc:
                    if exc.kind != hc.UNCERTAIN:
                        raise
                    view = self.client.case_progress(case_no, code)  # a read changes nothing: one retry is safe
            except hc.ApiError as exc:
                self.post(functools.partial(self._progress_failed, query, exc))
                return
            self.post(lambda: self._progress_found(query, view))

        self._background(job)
        return True

    def _progress_found(self, query: int, view: dict) -> None:
        if query != self._progress_query:
            return  # the resident went home (or timed out) meanwhile
        self.progress_querying, self.progress_note, self.online = False, "", True
        self.progress = describe(view, self.locale)
        self.touch()  # the idle timer starts when the answer is on screen
        self._go(Screen.PROGRESS_RESULT)

    def _progress_failed(self, query: int, exc: hc.ApiError) -> None:
        if query != self._progress_query:
            return
        self.progress_querying = False
        self.touch()
        # Otherwise (404) the server's own words, e.g. 找不到办件号 …，请核对受理通知书上的办件号。
        note = self._refusal_note(exc, "kiosk.progress_offline", "kiosk.progress_slow")
        if note is None:
            return
        # The number stays on the keypad: the resident can correct it and tap 查询 again.
        self.progress_note = note
        self._changed()

    # --- issuing ----------------------------------------------------------------------------
    def take_number(self, matter_id: int | None = None) -> bool:
        return self._issue({"matter_id": matter_id})

    def take_priority(self, group: str) -> bool:
        return self._issue({"priority_group": group})

    def accept_late(self) -> bool:
        if self._pending is None:
            return False
        return self._issue({**self._pending, "accept_late_risk": True})

    def _issue(self, body: dict[str, Any]) -> bool:
        """Start issuing; False when one is already under way (a double tap never makes two tickets)."""
        if self.busy:
            return False
        self.busy = True
        self.tap_at = self.clock()
        self._pending = body
        self.ticket, self.print_state, self.print_message = None, None, ""
        self._go(Screen.WORKING)
        hall = self.hall or {}

        # One id per tap: if the answer is lost, asking again with it returns the same ticket
        # (the server keeps request ids unique), so the one retry can never make a second one.
        request_id = f"{self.kiosk_id}/{uuid.uuid4().hex}"

        def job() -> None:
            try:
                try:
                    ticket = self.client.issue(**body, request_id=request_id)
                except hc.ApiError as exc:
                    if exc.kind != hc.UNCERTAIN:
                        raise
                    ticket = self.client.issue(**body, request_id=request_id)
            except hc.ApiError as exc:
                self.post(functools.partial(self._issue_failed, exc, body))
                return
            self.post(lambda: self._issued(ticket))
            if self.printer is None:
                return
            # The ticket is committed; print once, never retry (see hardware.printer.print_job).
            result = self.printer.print_ticket(ticket, hall)
            self.post(lambda: self._printed(result))
            self._printer_checked(result.status)

        self._background(job)
        return True

    def _issued(self, ticket: dict) -> None:
        self.busy = False
        self.issued_count += 1
        self.ticket = ticket
        self.online = True
        self.print_state = PrintState.PRINTING if self.printer else PrintState.NO_PRINTER
        self.touch()  # the idle timer starts when the number is on screen
        self._go(Screen.TICKET)

    def _printed(self, result: PrintResult, booking: bool = False) -> None:
        self.last_printed_at = self.clock()
        # A booking slip's failure asks the resident to note the code, a ticket's the number.
        kind = "book" if booking else "ticket"
        number = (self.appointment or {}).get("code", "") if booking else (self.ticket or {}).get("number", "")
        if result.outcome is JobOutcome.PRINTED:
            self.print_state, self.print_message = PrintState.PRINTED, message(f"kiosk.{kind}_printed", self.locale)
        elif result.outcome is JobOutcome.UNCERTAIN:
            self.print_state = PrintState.UNCERTAIN
            self.print_message = message(f"kiosk.{kind}_print_uncertain", self.locale, number=number)
        else:
            reason = (
                result.status.message(self.locale) if result.outcome is JobOutcome.REFUSED else (result.error or "")
            )
            self.print_state = PrintState.FAILED
            self.print_message = message(f"kiosk.{kind}_print_failed", self.locale, reason=reason, number=number)
        self._changed()

    def _issue_failed(self, exc: hc.ApiError, body: dict[str, Any]) -> None:
        self.busy = False
        self.touch()
        details = exc.details
        if exc.kind in (hc.UNAUTHORIZED, hc.FORBIDDEN):
            self._admin(exc)
        elif exc.kind == hc.CONFLICT and exc.code in ("hall_closed", "appointment_only"):
            self._show_closed(
                "closed" if exc.code == "hall_closed" else "appointment_only", exc.text, details.get("next_open_at")
            )
        elif exc.kind == hc.CONFLICT and exc.code == "closing_soon":
            self.consent_ahead = details.get("waiting_ahead")
            self.consent_closes = details.get("closes_at")
            self.next_open_at = details.get("next_open_at")
            if details.get("consent_possible"):
                self._pending = body
                self._go(Screen.CONSENT)
            else:
                nxt = (
                    message("kiosk.consent_next_open", self.locale, when=self._when(self.next_open_at))
                    if self.next_open_at
                    else ""
                )
                self._notice(
                    message("kiosk.refused_title", self.locale), message("kiosk.closing_refused", self.locale, next=nxt)
                )
                self.offer_booking = True
        elif body.get("case_no") and exc.kind in (hc.NOT_FOUND, hc.INVALID, hc.CONFLICT, hc.THROTTLED):
            # Wrong tail, unknown or closed case: the server's words on the keypad, the number kept.
            self.return_note = exc.text
            self._go(Screen.RETURN)
        elif exc.kind in (hc.NOT_FOUND, hc.INVALID, hc.CONFLICT) and self.screen_before_issue_was_checkin(body):
            self.keypad_error = exc.text
            self._go(Screen.CHECKIN)
        elif exc.kind == hc.UNCERTAIN:
            # Never re-POST blindly: the ticket may exist already.
            self._notice(
                message("kiosk.uncertain_title", self.locale),
                message("kiosk.uncertain_text", self.locale),
                Screen.UNCERTAIN,
            )
        elif exc.kind == hc.UNREACHABLE:
            self.online = False
            self._notice(message("kiosk.refused_title", self.locale), message("kiosk.not_sent_text", self.locale))
        elif exc.kind == hc.SERVER:
            self._notice(
                message("kiosk.refused_title", self.locale),
                message("kiosk.server_error", self.locale, message=exc.text),
            )
        else:
            self._notice(message("kiosk.refused_title", self.locale), exc.text)

    @staticmethod
    def screen_before_issue_was_checkin(body: dict[str, Any]) -> bool:
        return bool(body.get("appointment_code") or body.get("id_number"))

    def _notice(self, title: str, text: str, screen: Screen = Screen.REFUSED) -> None:
        self.notice_title, self.notice_text, self.offer_booking = title, text, False
        self._go(screen)

    def book_instead(self) -> None:
        """预约其他日期 on a closed/closing screen: the matter already chosen is kept."""
        pending = self._pending or {}
        if "matter_id" in pending:
            self.open_booking(pending.get("matter_id"), known=True)
        else:
            self.open_booking()

    def _show_closed(self, state: str, text: str | None, next_open_at: str | None) -> None:
        self.next_open_at = next_open_at
        title = message(
            "kiosk.appointment_only_title" if state == "appointment_only" else "kiosk.closed_title", self.locale
        )
        lines = [text] if text else []
        lines.append(
            message("kiosk.closed_next_open", self.locale, when=self._when(next_open_at))
            if next_open_at
            else message("kiosk.closed_no_next", self.locale)
        )
        if self.appointment_hint:
            lines.append(message("kiosk.closed_appointment", self.locale, hint=self.appointment_hint))
        self._notice(title, "\n".join(lines), Screen.CLOSED)

    def _when(self, iso: str | None) -> str:
        if not iso:
            return "—"
        tz = ZoneInfo((self.hall or {}).get("timezone") or "Asia/Shanghai")
        when = datetime.fromisoformat(iso).astimezone(tz)
        today = self.client.server_now().astimezone(tz).date()
        days = (when.date() - today).days
        prefix = {0: "今天", 1: "明天", 2: "后天"}.get(days) if self.locale == "zh_CN" else None
        # Past 后天 the date as people read it (12月3日 周四 09:00), never 2026-12-03.
        return f"{prefix} {when:%H:%M}" if prefix else When(when).text(self.locale)

    # --- printer ---------------------------------------------------------------------------
    def poll_printer(self) -> None:
        """A periodic check while idle, so paper-out shows before the next resident taps."""
        printer = self.printer
        if printer is not None and not self.busy:
            self._background(lambda: self._printer_checked(printer.status()))

    def _printer_checked(self, status: PrinterStatus) -> None:
        """Worker thread: show the state, and tell the hall server when it changes."""
        self.post(lambda: self._set_printer_status(status))
        if status.state.value != self._reported_printer:
            self._reported_printer = status.state.value

            def report() -> None:
                try:
                    self.client.report_device(f"{self.kiosk_id}/printer", "printer", status.state.value, status.detail)
                except hc.ApiError as exc:
                    log.warning("could not report printer state: %s", exc)
                    self._reported_printer = None  # try again with the next check

            self._background(report, self.reporter)

    def _set_printer_status(self, status: PrinterStatus) -> None:
        self.printer_status = status
        self._changed()

    # --- what the banner says ---------------------------------------------------------------
    def banners(self) -> list[str]:
        out = []
        if self.online is False:
            out.append(message("kiosk.offline_banner", self.locale))
        st = self.printer_status
        if st is not None and st.state in TROUBLE:
            if st.state is PrinterState.PAPER_OUT:
                out.append(message("kiosk.printer_paper_out_banner", self.locale))
            else:
                out.append(message("kiosk.printer_banner", self.locale, status=st.message(self.locale)))
        return out

    def duty_day_text(self) -> str:
        """今日节假日受理 09:00–11:30（仅接待预约） when today is a 节假日受理 duty day, else "".
        ``status.today.duty_day`` may be absent (older servers): then nothing is shown."""
        today = ((self.hall or {}).get("status") or {}).get("today")
        duty = today.get("duty_day") if isinstance(today, dict) else None
        if not isinstance(duty, dict):
            return ""
        hours = "、".join(str(h).replace("-", "–") for h in duty.get("hours") or [])
        only = message("kiosk.home_duty_appointment_only", self.locale) if duty.get("appointment_only") else ""
        return message("kiosk.home_duty_day", self.locale, hours=hours, only=only)

    def clock_text(self) -> str:
        tz = ZoneInfo((self.hall or {}).get("timezone") or "Asia/Shanghai")
        now = self.client.server_now().astimezone(tz)
        return message("kiosk.home_clock", self.locale, date=now.strftime("%Y-%m-%d"), time=now.strftime("%H:%M"))

    def shutdown(self) -> None:
        self.worker.shutdown(wait=False, cancel_futures=True)
        self.reporter.shutdown(wait=False, cancel_futures=True)
