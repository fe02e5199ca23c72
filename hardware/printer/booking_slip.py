"""The booking slip (预约凭条) the kiosk prints after 预约办理: the 6-digit code large, the day and
time, the window(s), what to bring, and a QR that holds the code, so the kiosk's scanner checks the
resident in on the day as if the code were typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hall_common.i18n import message

from .layout import QR, Align, Block, Cut, Feed, Rule, Text
from .slip import CENTER_TZ

MAX_MATERIALS = 8  # a long list is cut short: the window has the full one


@dataclass
class BookingSlip:
    center_name: str
    code: str  # "123456"
    matter_name: str
    slot_start: datetime  # aware
    slot_end: datetime
    resident: str  # "王女士"
    phone_tail: str
    windows: list[int] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    issued_at: datetime | None = None
    timezone: str = CENTER_TZ

    def __post_init__(self) -> None:
        for t in (self.slot_start, self.slot_end, self.issued_at):
            if t is not None and (t.tzinfo is None or t.utcoffset() is None):
                raise ValueError("BookingSlip times must be timezone-aware")


def booking_blocks(slip: BookingSlip, locale: str = "zh_CN") -> list[Block]:
    c = Align.CENTER
    m = lambda key, **kw: message(f"printer.{key}", locale, **kw)  # noqa: E731
    tz = ZoneInfo(slip.timezone)
    start, end = slip.slot_start.astimezone(tz), slip.slot_end.astimezone(tz)
    weekday = message(f"kiosk.weekday_{start.weekday()}", locale)
    blocks: list[Block] = [
        Text(slip.center_name, width=1, height=2, align=c, bold=True),
        Text(m("booking_title"), width=2, height=2, align=c, bold=True),
        Rule(),
        Text(slip.matter_name, width=1, height=2, align=c, bold=True),
        Feed(1),
        Text(m("booking_code_caption"), align=c),
        Text(slip.code, width=3, height=3, align=c, bold=True),
        Feed(1),
        Text(
            m(
                "booking_time",
                date=f"{start:%Y-%m-%d}",
                weekday=weekday,
                start=f"{start:%H:%M}",
                end=f"{end:%H:%M}",
            ),
            width=1,
            height=2,
            align=c,
            bold=True,
        ),
    ]
    if slip.windows:
        windows = "、".join(str(w) for w in slip.windows)
        blocks.append(Text(m("booking_windows", windows=windows), align=c))
    blocks.append(Text(m("booking_resident", name=slip.resident, tail=slip.phone_tail), align=c))
    if slip.materials:
        blocks += [Rule(), Text(m("booking_materials"), bold=True)]
        blocks += [Text(f"· {name}") for name in slip.materials[:MAX_MATERIALS]]
        if len(slip.materials) > MAX_MATERIALS:
            blocks.append(Text(m("booking_materials_more", count=len(slip.materials) - MAX_MATERIALS)))
    blocks += [Rule(), Text(m("booking_check_in")), Text(m("booking_change"))]
    if slip.issued_at is not None:
        at = slip.issued_at.astimezone(tz)
        blocks.append(Text(m("booking_issued_at", date=f"{at:%Y-%m-%d}", time=f"{at:%H:%M}"), align=c))
    blocks += [
        Feed(1),
        QR(slip.code, module_size=8, align=c),
        Text(m("booking_qr_caption"), align=c),
        Cut(partial=True, feed_lines=4),
    ]
    return blocks
