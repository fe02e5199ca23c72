"""Real-time printer status via DLE EOT, decoded into one state the kiosk and hall server use.

python-escpos's ``paper_status()`` reports "paper OK" when the printer does not
answer at all; here silence is OFFLINE, never OK.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from hall_common.i18n import message

from . import commands

if TYPE_CHECKING:
    from .transports import PrinterTransport

DEFAULT_STATUS_TIMEOUT = 0.5  # s per DLE EOT answer; printers answer in a few ms

# Every DLE EOT answer has bits 0,1,4,7 fixed at 0,1,1,0 (Epson and compatibles).
_FIXED_MASK, _FIXED_VALUE = 0x93, 0x12


class PrinterState(StrEnum):
    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # no answer, not connected, or the printer says it is offline
    ERROR = "error"  # cutter jam, head overheat, garbled answer …
    UNKNOWN = "unknown"  # the transport cannot read status at all (file, CUPS)


PRINTABLE_STATES = frozenset({PrinterState.OK, PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN})


@dataclass(frozen=True)
class PrinterStatus:
    state: PrinterState
    detail: str = ""  # technical, for logs and the hall server's admin page
    flags: frozenset[str] = frozenset()
    raw: dict[int, int] = field(default_factory=dict)  # DLE EOT n -> answer byte
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def can_print(self) -> bool:
        """Near-end still prints; UNKNOWN (transport cannot tell) is allowed, silence is not."""
        return self.state in PRINTABLE_STATES

    def message(self, locale: str = "zh_CN") -> str:
        return message(f"printer.status_{self.state.value}", locale)

    def to_dict(self) -> dict:
        """The form the kiosk sends to the hall server."""
        return {
            "state": self.state.value,
            "detail": self.detail,
            "flags": sorted(self.flags),
            "raw": {str(k): f"0x{v:02x}" for k, v in sorted(self.raw.items())},
            "checked_at": self.checked_at.isoformat(),
        }

    @classmethod
    def unknown(cls, detail: str) -> PrinterStatus:
        return cls(PrinterState.UNKNOWN, detail)

    @classmethod
    def offline(cls, detail: str, raw: dict[int, int] | None = None) -> PrinterStatus:
        return cls(PrinterState.OFFLINE, detail, frozenset({"no_answer"}), dict(raw or {}))


def parse_status(raw: dict[int, int]) -> PrinterStatus:
    """Decode DLE EOT answers (keys 1..4) into one state; the worst condition wins."""
    for n, value in raw.items():
        if value & _FIXED_MASK != _FIXED_VALUE:
            return PrinterStatus(
                PrinterState.ERROR,
                f"unexpected answer 0x{value:02x} to DLE EOT {n}",
                frozenset({"garbled_answer"}),
                dict(raw),
            )
    flags: set[str] = set()
    if raw.get(1, 0) & 0x08:
        flags.add("offline")
    two = raw.get(2, 0)
    if two & 0x04:
        flags.add("cover_open")
    if two & 0x08:
        flags.add("feed_button")
    if two & 0x20:
        flags.add("paper_out")
    if two & 0x40:
        flags.add("error")
    three = raw.get(3, 0)
    if three & 0x04:
        flags.add("cutter_error")
    if three & 0x08:
        flags.add("unrecoverable_error")
    if three & 0x20:
        flags.add("auto_recoverable_error")
    four = raw.get(4, 0)
    if four & 0x0C:
        flags.add("paper_near_end")
    if four & 0x60:
        flags.add("paper_out")
    if "cover_open" in flags:
        state = PrinterState.COVER_OPEN
    elif "paper_out" in flags:
        state = PrinterState.PAPER_OUT
    elif flags & {"error", "cutter_error", "unrecoverable_error", "auto_recoverable_error"}:
        state = PrinterState.ERROR
    elif "offline" in flags:
        state = PrinterState.OFFLINE
    elif "paper_near_end" in flags:
        state = PrinterState.PAPER_NEAR_END
    else:
        state = PrinterState.OK
    detail = ", ".join(sorted(flags)) if flags else "all sensors normal"
    return PrinterStatus(state, detail, frozenset(flags), dict(raw))


def query_status(transport: PrinterTransport, timeout: float = DEFAULT_STATUS_TIMEOUT) -> PrinterStatus:
    """Ask DLE EOT 1..4 over ``transport``, waiting at most ``timeout`` s for each answer."""
    raw: dict[int, int] = {}
    try:
        # A late answer to an earlier query (or one the printer sent because raster
        # data happened to contain DLE EOT) must not be read as this query's answer.
        transport.discard_input()
        for n in (1, 2, 3, 4):
            transport.write(commands.status_query(n))
            started = time.monotonic()
            answer = transport.read(1, timeout)
            if not answer:
                waited = time.monotonic() - started
                return PrinterStatus.offline(f"no answer to DLE EOT {n} within {waited:.2f} s", raw)
            raw[n] = answer[0]
    except OSError as exc:
        return PrinterStatus.offline(f"status query failed: {exc}", raw)
    return parse_status(raw)
