"""The queue slip (取号凭条) as layout blocks for an 80 mm printer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hall_common.i18n import message

from .layout import QR, Align, Block, Cut, Feed, Rule, Text

CENTER_TZ = "Asia/Shanghai"


def default_notices(locale: str = "zh_CN") -> list[str]:
    """The usual two notices; halls with their own no-show rule pass their own list."""
    return [message("printer.slip_notice_wait", locale), message("printer.slip_notice_no_show", locale)]


@dataclass
class QueueSlip:
    center_name: str
    matter_name: str
    number: str  # "A001"
    waiting_ahead: int
    estimated_wait_minutes: int | None
    issued_at: datetime  # aware; printed in the center's time zone
    qr_url: str
    notices: list[str] = field(default_factory=default_notices)
    priority_label: str | None = None  # e.g. "优先办理"
    appointment_label: str | None = None  # e.g. "预约 09:30-10:00"
    window_hint: str | None = None  # e.g. "1、2、3号综合窗口"
    timezone: str = CENTER_TZ
    # A wait across lunch prints the expected time instead of minutes (午休后办理，约13:40).
    expected_start: datetime | None = None
    after_break: bool = False
    # The hall's booking page (/book): a small second QR, "扫码预约" — a resident who would rather
    # come back another day books there without queueing.
    book_url: str | None = None
    return_label: str | None = None  # the return lane: 补交材料/领取结果 2026-00001
    # The resident accepted, at the kiosk's closing-time question, that the ticket may not be served
    # today: the hall's closing time ("18:30"), printed so the slip says so too.
    late_risk_closes: str | None = None

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            # A naive time would print the server's idea of "now", wrong by 8 h on a UTC box.
            raise ValueError("QueueSlip.issued_at must be timezone-aware")
        if self.waiting_ahead < 0:
            raise ValueError("waiting_ahead must be >= 0")
        if self.estimated_wait_minutes is not None and self.estimated_wait_minutes < 0:
            raise ValueError("estimated_wait_minutes must be >= 0 or None")


def slip_blocks(slip: QueueSlip, locale: str = "zh_CN") -> list[Block]:
    """Layout of the slip: header, the number in 4x type, queue facts, notices, time, QR, cut."""
    c = Align.CENTER
    blocks: list[Block] = [
        Text(slip.center_name, width=1, height=2, align=c, bold=True),
        Rule(),
        Text(slip.matter_name, width=2, height=2, align=c, bold=True),
    ]
    labels = [label for label in (slip.priority_label, slip.appointment_label, slip.return_label) if label]
    if labels:
        blocks.append(Text("  ".join(labels), width=1, height=2, align=c, bold=True))
    blocks += [
        Feed(1),
        Text(slip.number, width=4, height=4, align=c, bold=True),
        Feed(1),
        Text(message("printer.slip_waiting_ahead", locale, count=slip.waiting_ahead), width=1, height=2, align=c),
    ]
    if slip.after_break and slip.expected_start is not None:
        at = slip.expected_start.astimezone(ZoneInfo(slip.timezone)).strftime("%H:%M")
        blocks.append(Text(message("printer.slip_after_break", locale, time=at), align=c))
    elif slip.estimated_wait_minutes is not None:
        blocks.append(
            Text(message("printer.slip_estimated_wait", locale, minutes=slip.estimated_wait_minutes), align=c)
        )
    if slip.window_hint:
        blocks.append(Text(message("printer.slip_window_hint", locale, windows=slip.window_hint), align=c))
    if slip.late_risk_closes:
        blocks.append(
            Text(message("printer.slip_late_risk", locale, closes=slip.late_risk_closes), height=2, align=c, bold=True)
        )
    blocks.append(Rule())
    blocks += [Text(notice) for notice in slip.notices]
    local = slip.issued_at.astimezone(ZoneInfo(slip.timezone))
    blocks += [
        Text(
            message("printer.slip_issued_at", locale, date=local.strftime("%Y-%m-%d"), time=local.strftime("%H:%M:%S")),
            align=c,
        ),
        Feed(1),
        QR(slip.qr_url, module_size=6, align=c),
        Text(message("printer.slip_qr_caption", locale), align=c),
    ]
    if slip.book_url:
        if slip.late_risk_closes:
            blocks += [Feed(1), Text(message("printer.slip_late_book", locale), align=c, bold=True)]
        blocks += [
            Feed(1),
            QR(slip.book_url, module_size=3, align=c),
            Text(message("printer.slip_book_qr_caption", locale), align=c),
        ]
    blocks.append(Cut(partial=True, feed_lines=4))
    return blocks


# The demo slip is the pilot hall's, on a fixed day: previews compare equal from one run to the next.
DEMO_ISSUED_AT = datetime(2026, 11, 26, 9, 30, tzinfo=ZoneInfo(CENTER_TZ))


def demo_slip(locale: str = "zh_CN", now: datetime | None = None) -> QueueSlip:
    """A sample slip for previews and the kiosk demo (the pilot hall, 2026-11-26 09:30 unless ``now``)."""
    return QueueSlip(
        center_name=message("printer.demo_center_name", locale),
        matter_name=message("printer.demo_matter_name", locale),
        number="A001",
        waiting_ahead=3,
        estimated_wait_minutes=15,
        issued_at=now or DEMO_ISSUED_AT,
        qr_url="https://yichuang.example/t/20261126-A001",
        notices=default_notices(locale),
        window_hint=message("printer.demo_window_hint", locale),
    )
