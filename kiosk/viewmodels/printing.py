"""What the screen says about printing: how the slip just sent came out, and the printer's own
state (checked while idle, so paper-out shows before the next resident taps; told to the hall
server when it changes). The slips themselves are made in slip_printing.py."""

from __future__ import annotations

import logging
from enum import StrEnum

from hall_common.i18n import message
from hardware.printer import JobOutcome, PrinterState, PrinterStatus, PrintResult

from . import hall_client as hc
from .context import Context
from .slip_printing import TROUBLE

log = logging.getLogger(__name__)


class PrintState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    NO_PRINTER = "no_printer"


class Printing:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.state: PrintState | None = None  # of the slip on screen (a ticket or a booking)
        self.message = ""
        self.printer_status: PrinterStatus | None = None
        self.last_printed_at: float | None = None
        self._reported: str | None = None

    def clear(self) -> None:
        self.state, self.message = None, ""

    def expect_slip(self) -> None:
        """A ticket or a booking is on screen: its slip is being printed, or there is no printer."""
        self.state = PrintState.PRINTING if self.ctx.printer else PrintState.NO_PRINTER

    def printed(self, result: PrintResult, kind: str, number: str) -> None:
        """``kind`` "ticket" or "book": a booking slip's failure asks the resident to note the code
        (``number``), a ticket's the number."""
        locale = self.ctx.locale
        self.last_printed_at = self.ctx.clock()
        if result.outcome is JobOutcome.PRINTED:
            self.state, self.message = PrintState.PRINTED, message(f"kiosk.{kind}_printed", locale)
        elif result.outcome is JobOutcome.UNCERTAIN:
            self.state = PrintState.UNCERTAIN
            self.message = message(f"kiosk.{kind}_print_uncertain", locale, number=number)
        else:
            reason = result.status.message(locale) if result.outcome is JobOutcome.REFUSED else (result.error or "")
            self.state = PrintState.FAILED
            self.message = message(f"kiosk.{kind}_print_failed", locale, reason=reason, number=number)
        self.ctx.changed()

    # --- the printer's state ---------------------------------------------------------------
    def check(self) -> None:
        """Ask the printer for its state, on the worker thread (never while it prints)."""
        printer = self.ctx.printer
        if printer is not None:
            self.ctx.background(lambda: self.checked(printer.status()))

    def checked(self, status: PrinterStatus) -> None:
        """Worker thread: show the state, and tell the hall server when it changes."""
        ctx = self.ctx
        ctx.post(lambda: self._show(status))
        if status.state.value != self._reported:
            self._reported = status.state.value

            def report() -> None:
                try:
                    ctx.client.report_device(f"{ctx.kiosk_id}/printer", "printer", status.state.value, status.detail)
                except hc.ApiError as exc:
                    log.warning("could not report printer state: %s", exc)
                    self._reported = None  # try again with the next check

            ctx.background(report, ctx.reporter)

    def _show(self, status: PrinterStatus) -> None:
        self.printer_status = status
        self.ctx.changed()

    def banners(self) -> list[str]:
        st = self.printer_status
        if st is None or st.state not in TROUBLE:
            return []
        if st.state is PrinterState.PAPER_OUT:
            return [message("kiosk.printer_paper_out_banner", self.ctx.locale)]
        return [message("kiosk.printer_banner", self.ctx.locale, status=st.message(self.ctx.locale))]
