"""What every flow of the kiosk shares: the server, the printer, the clock, the worker threads,
the screen on show and who redraws it, and whether the server answers.

Threading: HTTP and printing run on ``worker`` (one thread, so the printer is never used twice at
once); results come back through ``post`` (Kivy's Clock on the device, a direct call in tests), so
all state changes happen on one thread and the screen never waits for the network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from enum import StrEnum

from hall_common.i18n import message

from . import hall_client as hc
from .slip_printing import SlipPrinter

log = logging.getLogger(__name__)


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


class Context:
    def __init__(
        self,
        client: hc.HallClient,
        printer: SlipPrinter | None,
        *,
        kiosk_id: str,
        locale: str,
        clock: Callable[[], float],
        post: Callable[[Callable[[], None]], None],
        worker: Executor,
        reporter: Executor,
    ) -> None:
        self.client, self.printer = client, printer
        self.kiosk_id, self.locale = kiosk_id, locale
        self.clock, self.post = clock, post
        self.worker, self.reporter = worker, reporter
        self._listeners: list[Callable[[], None]] = []
        self.screen = Screen.LOADING
        self.online: bool | None = None
        self.admin_error: str | None = None
        self.last_touch = clock()

    # --- observers ---------------------------------------------------------------------
    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def go(self, screen: Screen) -> None:
        self.screen = screen
        self.changed()

    def touch(self) -> None:
        self.last_touch = self.clock()

    def background(self, job: Callable[[], None], executor: Executor | None = None) -> None:
        def guarded() -> None:
            try:
                job()
            except Exception:
                log.exception("kiosk background job failed")

        (executor or self.worker).submit(guarded)

    # --- a refused request -------------------------------------------------------------
    def admin(self, exc: hc.ApiError) -> None:
        key = "admin_bad_token" if exc.kind == hc.UNAUTHORIZED else "admin_forbidden"
        self.admin_error = message(f"kiosk.{key}", self.locale, code=exc.code or exc.status)
        self.go(Screen.ADMIN)

    def refusal_note(self, exc: hc.ApiError, offline_key: str, slow_key: str) -> str | None:
        """What a query screen (booking, case progress) says of a failed request, in Chinese;
        None when a bad token sent the kiosk to its admin screen instead."""
        if exc.kind in (hc.UNAUTHORIZED, hc.FORBIDDEN):
            self.admin(exc)
            return None
        if exc.kind == hc.UNREACHABLE:
            self.online = False
            return message(offline_key, self.locale)
        if exc.kind == hc.UNCERTAIN:
            return message(slow_key, self.locale)
        if exc.kind == hc.SERVER:
            return message("kiosk.server_error", self.locale, message=exc.text)
        return exc.text

    def shutdown(self) -> None:
        self.worker.shutdown(wait=False, cancel_futures=True)
        self.reporter.shutdown(wait=False, cancel_futures=True)
