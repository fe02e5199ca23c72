"""The kiosk's behaviour without Kivy: which screen shows what, and what a tap does.

``KioskModel`` only navigates: the first screen's choices, back and home, the idle timeout and the
scanner. Each flow is an object of its own (the hall's state, finding a matter, taking a number,
check-in, case progress, booking, the return lane, closing time, printing), and the screens call
the flow they show; all of them share one ``Context`` (see context.py for the threading).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from hall_common.i18n import message

from . import hall_client as hc
from .booking_flow import BookingFlow
from .checkin import CheckIn
from .closing_time import ClosingTime
from .context import Context, Screen
from .hall_state import HallState
from .issuing import Issuing
from .matter_choice import BOOK, TICKET, MatterChoice
from .printing import Printing
from .progress_lookup import ProgressLookup
from .return_lane import ReturnLane
from .scanner import APPOINTMENT, CASE, read_scan
from .slip_printing import SlipPrinter

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
# Screens the idle timeout leaves alone: nothing to abandon, or an answer awaited.
STAYING = (Screen.HOME, Screen.LOADING, Screen.ADMIN, Screen.WORKING)


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
        self.ctx = ctx = Context(
            client,
            printer,
            kiosk_id=kiosk_id,
            locale=locale,
            clock=clock,
            post=post or (lambda fn: fn()),
            worker=worker or ThreadPoolExecutor(1, thread_name_prefix="kiosk-worker"),
            reporter=reporter or ThreadPoolExecutor(1, thread_name_prefix="kiosk-report"),
        )
        self.idle_seconds = idle_seconds
        self.hall = HallState(ctx)
        self.printing = Printing(ctx)
        self.closing = ClosingTime(ctx, self.hall, appointment_hint)
        self.issuing = Issuing(ctx, self.hall, self.printing, self.closing)
        self.finding = MatterChoice(ctx, self.hall)
        self.checkin = CheckIn(ctx, self.issuing)
        self.progress = ProgressLookup(ctx)
        self.booking = BookingFlow(ctx, self.hall, self.printing)
        self.return_lane = ReturnLane(ctx, self.issuing)

    @property
    def screen(self) -> Screen:
        return self.ctx.screen

    def start(self) -> None:
        self.hall.refresh()
        self.printing.check()

    def tick(self) -> None:
        """Called about once a second: back to the start screen after idle_seconds without a touch;
        while offline, ask the server again every few seconds."""
        self.hall.retry_when_offline()
        if self.screen in STAYING or self.issuing.busy:
            return
        if self.ctx.clock() - self.ctx.last_touch >= self.idle_seconds:
            self.home()

    def poll_printer(self) -> None:
        """A periodic check while idle, so paper-out shows before the next resident taps."""
        if not self.issuing.busy:
            self.printing.check()

    def banners(self) -> list[str]:
        """What the red banner under the header says: offline, printer trouble."""
        offline = [message("kiosk.offline_banner", self.ctx.locale)] if self.ctx.online is False else []
        return offline + self.printing.banners()

    # --- navigation ---------------------------------------------------------------------------
    def home(self) -> None:
        self.finding.reset()
        self.issuing.pending = None
        self.checkin.reset()
        self.booking.reset()
        self.closing.offer_booking = False
        self.return_lane.reset()
        self.progress.reset()
        ctx = self.ctx
        ctx.go(Screen.ADMIN if ctx.admin_error else Screen.HOME if self.hall.info else Screen.LOADING)

    def back(self) -> None:
        parent = PARENT.get(self.screen)
        if parent is None:
            self.home()
        else:
            self.ctx.go(parent)

    def open_take_number(self) -> None:
        self.finding.purpose = TICKET
        if not self.closing.refuse_unless_open():
            self.ctx.go(Screen.GROUPS)

    def open_booking(self, matter_id: int | None = None, known: bool = False) -> None:
        """From the first screen (choose the matter first), or from a refusal that already knows it."""
        self.finding.purpose, self.closing.offer_booking = BOOK, False
        self.booking.open(matter_id, known)

    def book_instead(self) -> None:
        """预约其他日期 on a closed/closing screen: the matter already chosen is kept."""
        pending = self.issuing.pending or {}
        if "matter_id" in pending:
            self.open_booking(pending.get("matter_id"), known=True)
        else:
            self.open_booking()

    def pick_matter(self, matter_id: int | None) -> bool:
        """A matter button: a number now, or (预约办理) the days it can be booked on."""
        if self.finding.purpose == BOOK:
            self.booking.book_matter(matter_id)
            return True
        return self.issuing.take_number(matter_id)

    # --- the QR scanner (keyboard wedge) --------------------------------------------------
    def scanned(self, text: str) -> None:
        """What the scanner typed before Enter: a check-in code, or a notice's case number."""
        if self.issuing.busy or self.ctx.admin_error or self.hall.info is None:
            return
        self.ctx.touch()
        scan = read_scan(text)
        screen = self.screen
        if scan.kind == APPOINTMENT and screen in (Screen.HOME, Screen.CHECKIN, Screen.CLOSED):
            self.checkin.scanned(scan.code)
        elif scan.kind == CASE and screen in (Screen.PROGRESS, Screen.PROGRESS_RESULT) and scan.code:
            self.progress.scanned(scan.case_no, scan.code)
        elif scan.kind == CASE:
            self.return_lane.open(scan.case_no)  # the phone's last 4 digits are still the resident's to type
        elif screen in (Screen.RETURN, Screen.CHECKIN):
            note = message("kiosk.scan_unknown", self.ctx.locale)
            if screen is Screen.RETURN:
                self.return_lane.note = note
            else:
                self.checkin.error = note
            self.ctx.changed()

    def shutdown(self) -> None:
        self.ctx.shutdown()
