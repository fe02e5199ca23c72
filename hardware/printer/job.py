"""Printing one committed ticket: check the printer, send once, report what happened.

The caller has already committed the ticket in the hall server, so a failed
print must never turn into a second ticket: there are no retries here.  The
outcome says whether the slip surely did not print (NOT_SENT / REFUSED — the
kiosk may offer to print it again) or may have printed partly (UNCERTAIN —
staff decide; printing again could give the resident two slips).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from hall_common.i18n import message

from .status import DEFAULT_STATUS_TIMEOUT, PrinterState, PrinterStatus
from .transports import PrinterTransport, TransportError

log = logging.getLogger(__name__)


class JobOutcome(StrEnum):
    PRINTED = "printed"
    REFUSED = "refused"  # printer not ready; nothing sent
    NOT_SENT = "not_sent"  # could not reach the printer; nothing sent
    UNCERTAIN = "uncertain"  # sending broke off, or the printer failed right after: may be partial


# After sending, these states mean the slip may be incomplete.
_FAILED_AFTER = {PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.ERROR, PrinterState.OFFLINE}


@dataclass(frozen=True)
class PrintResult:
    outcome: JobOutcome
    status_before: PrinterStatus
    status_after: PrinterStatus | None = None
    error: str | None = None

    @property
    def printed(self) -> bool:
        return self.outcome is JobOutcome.PRINTED

    @property
    def status(self) -> PrinterStatus:
        """The latest known printer status (what to report to the hall server)."""
        return self.status_after or self.status_before

    def message(self, locale: str = "zh_CN") -> str:
        if self.outcome is JobOutcome.REFUSED:
            return message("printer.job_refused", locale, reason=self.status_before.message(locale))
        if self.outcome is JobOutcome.NOT_SENT:
            return message("printer.job_not_sent", locale, reason=self.error or "")
        if self.outcome is JobOutcome.UNCERTAIN:
            return message("printer.job_uncertain", locale)
        return message("printer.job_printed", locale)

    def to_dict(self) -> dict:
        return {"outcome": self.outcome.value, "error": self.error, "printer": self.status.to_dict()}


def print_job(
    transport: PrinterTransport,
    data: bytes,
    *,
    status_timeout: float = DEFAULT_STATUS_TIMEOUT,
    check_after: bool = True,
) -> PrintResult:
    """Send ``data`` once if the printer is ready.  Never raises for printer trouble."""
    before = transport.query_status(status_timeout)
    if not before.can_print:
        log.warning("print refused on %s: %s (%s)", transport.describe(), before.state.value, before.detail)
        return PrintResult(JobOutcome.REFUSED, before)
    try:
        transport.write(data)
    except TransportError as exc:
        outcome = JobOutcome.NOT_SENT if exc.nothing_sent else JobOutcome.UNCERTAIN
        log.error("print %s on %s: %s", outcome.value, transport.describe(), exc)
        return PrintResult(outcome, before, error=str(exc))
    after = transport.query_status(status_timeout) if check_after and transport.status_capable else None
    if after is not None and after.state in _FAILED_AFTER:
        log.error("printer %s after sending: %s", after.state.value, after.detail)
        return PrintResult(JobOutcome.UNCERTAIN, before, after, error=after.detail)
    return PrintResult(JobOutcome.PRINTED, before, after)
