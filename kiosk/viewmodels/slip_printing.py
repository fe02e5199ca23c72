"""From a committed ticket to a printed slip, and what the printer's state means for the kiosk.

The ticket exists on the server before anything is sent to the printer, and a
slip is sent at most once (hardware.printer.print_job never retries): a failed
print leaves one ticket, shown on screen, never a second one.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hall_common.i18n import message
from hardware.printer import (
    BookingSlip,
    PrinterState,
    PrinterStatus,
    PrinterTransport,
    PrintResult,
    QueueSlip,
    booking_blocks,
    encode,
    print_job,
    slip_blocks,
)

# States worth telling the resident and the hall server about.
TROUBLE = {
    PrinterState.PAPER_NEAR_END,
    PrinterState.PAPER_OUT,
    PrinterState.COVER_OPEN,
    PrinterState.OFFLINE,
    PrinterState.ERROR,
}


def qr_url(base_url: str, ticket: dict) -> str:
    return f"{base_url.rstrip('/')}/t/{ticket['id']}?key={ticket.get('public_key', '')}"


def book_url(base_url: str) -> str:
    """The hall's booking page, behind the slip's small 扫码预约 QR."""
    return f"{base_url.rstrip('/')}/book"


def build_slip(ticket: dict, hall: dict, qr_base_url: str, locale: str = "zh_CN") -> QueueSlip:
    """The slip's content; times are the server's (issued_at), never the kiosk's own clock."""
    tz = hall.get("timezone") or "Asia/Shanghai"
    groups = {g["code"]: g["name"] for g in hall.get("priority_groups", [])}
    appointment_label = None
    if ticket.get("channel") == "appointment" and ticket.get("due_at"):
        due = datetime.fromisoformat(ticket["due_at"]).astimezone(ZoneInfo(tz))
        appointment_label = message("kiosk.appointment_label", locale, time=due.strftime("%H:%M"))
    priority_label = None
    if ticket.get("priority_group"):
        priority_label = f"{message('kiosk.priority_label', locale)}·{groups.get(ticket['priority_group'], '')}".rstrip(
            "·"
        )
    # The windows still open when the ticket is expected to start (the server's word); every window
    # of the hall only when the server does not say (an older server).
    numbers = ticket.get("serving_windows") or [w["number"] for w in hall.get("windows") or []]
    sep = "、" if locale == "zh_CN" else ", "
    window_hint = (
        message("printer.slip_windows", locale, windows=sep.join(str(n) for n in numbers)) if numbers else None
    )
    return_label = None
    if ticket.get("channel") == "return":
        return_label = message("printer.slip_return_label", locale, case_no=ticket.get("case_no", ""))
        if ticket.get("owner_window"):  # 首问负责: the window that took the case calls it first
            window_hint = message("printer.slip_return_window", locale, window=ticket["owner_window"])
    return QueueSlip(
        center_name=hall.get("name", ""),
        matter_name=ticket.get("matter_name") or message("kiosk.matters_general_name", locale),
        number=ticket["number"],
        waiting_ahead=int(ticket.get("waiting_ahead") or 0),
        estimated_wait_minutes=ticket.get("estimated_wait_minutes"),
        issued_at=datetime.fromisoformat(ticket["issued_at"]),
        qr_url=qr_url(qr_base_url, ticket),
        notices=list(hall.get("slip_notices") or []) or _default_notices(locale),
        priority_label=priority_label,
        appointment_label=appointment_label,
        window_hint=window_hint,
        timezone=tz,
        expected_start=datetime.fromisoformat(ticket["expected_start_at"]) if ticket.get("expected_start_at") else None,
        after_break=bool(ticket.get("after_break")),
        book_url=book_url(qr_base_url),
        return_label=return_label,
        late_risk_closes=_local_hhmm(ticket.get("closes_at"), tz) if ticket.get("late_risk_accepted") else None,
    )


def _local_hhmm(iso: str | None, tz: str) -> str | None:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(tz)).strftime("%H:%M") if iso else None


def build_booking_slip(
    appt: dict, slot: dict, matter_name: str, matter: dict | None, hall: dict, resident: str, booked_at: datetime
) -> BookingSlip:
    """The booking slip's content: the server's appointment (code, times), the slot's windows, and
    the matter's required materials from the catalog the kiosk already holds."""
    materials = [x["name"] for x in (matter or {}).get("materials", []) if x.get("required", True)]
    return BookingSlip(
        center_name=hall.get("name", ""),
        code=appt["code"],
        matter_name=matter_name,
        slot_start=datetime.fromisoformat(appt["slot_start"]),
        slot_end=datetime.fromisoformat(appt["slot_end"]),
        resident=resident,
        phone_tail=appt.get("phone_tail") or "",
        windows=list(slot.get("window_numbers") or []),
        materials=materials,
        issued_at=booked_at,
        timezone=hall.get("timezone") or "Asia/Shanghai",
    )


def _default_notices(locale: str) -> list[str]:
    from hardware.printer import default_notices

    return default_notices(locale)


class SlipPrinter:
    """Owns the printer transport; call only from the kiosk's single worker thread."""

    def __init__(self, transport: PrinterTransport, qr_base_url: str, locale: str = "zh_CN") -> None:
        self.transport, self.qr_base_url, self.locale = transport, qr_base_url, locale
        self.last_bytes = 0

    def render(self, ticket: dict, hall: dict) -> bytes:
        return encode(slip_blocks(build_slip(ticket, hall, self.qr_base_url, self.locale), self.locale))

    def print_ticket(self, ticket: dict, hall: dict) -> PrintResult:
        data = self.render(ticket, hall)
        self.last_bytes = len(data)
        return print_job(self.transport, data)

    def print_booking(
        self,
        appt: dict,
        slot: dict,
        matter_name: str,
        matter: dict | None,
        hall: dict,
        resident: str,
        booked_at: datetime,
    ) -> PrintResult:
        slip = build_booking_slip(appt, slot, matter_name, matter, hall, resident, booked_at)
        data = encode(booking_blocks(slip, self.locale))
        self.last_bytes = len(data)
        return print_job(self.transport, data)

    def status(self) -> PrinterStatus:
        return self.transport.query_status()

    def close(self) -> None:
        self.transport.close()
