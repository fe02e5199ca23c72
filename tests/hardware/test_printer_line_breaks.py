"""Where a slip's text breaks onto the next line, read back from the ESC/POS bytes the printer gets:
a resident must never read "扫码预/约", "3/号窗口", "09:00–/09:30" or a line starting with "，"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hall_common.i18n import message
from hardware.printer import PAPER_58MM, PAPER_80MM, BookingSlip, EncoderOptions, booking_blocks, encode
from hardware.printer.escpos_decoder import decode, text_lines
from hardware.printer.layout import Text
from hardware.printer.raster import CELL_W

HALL = ZoneInfo("Asia/Shanghai")
# Every line width a slip can meet: 2x-wide text on 58 mm paper (16 cells) up to 80 mm (48 cells).
LINE_WIDTHS = range(16, 49)
OPENING, CLOSING = "（「『《“", "，。、；：！？）」』》”…"


def printed(text: str, cells: int) -> list[str]:
    return text_lines(decode(encode([Text(text)], EncoderOptions(paper_width=cells * CELL_W))))


def assert_kept(lines: list[str], phrases: list[str]) -> None:
    for phrase in phrases:
        assert any(phrase in line for line in lines), f"{phrase!r} broken across {lines}"


def test_qr_captions_and_booking_hints_never_break_inside_their_marked_phrases_at_any_width():
    texts = {
        message("printer.slip_book_qr_caption"): ["扫码预约"],
        message("printer.slip_qr_caption"): ["扫码查看"],
        message("printer.booking_qr_caption"): ["签到二维码"],
        message("printer.booking_check_in"): ["预约时段", "自助机", "二维码", "预约码"],
        message("printer.booking_change"): ["“扫码预约”", "二维码", "预约码", "手机号后4位"],
        message("printer.booking_resident", name="王女士", tail="1234"): ["（手机尾号1234）"],
    }
    for text, phrases in texts.items():
        for cells in LINE_WIDTHS:
            lines = printed(text, cells)
            assert "".join(lines) == text.replace("\u2060", ""), "nothing lost, no joiner printed"
            assert_kept(lines, phrases)


def test_ticket_numbers_windows_times_and_dates_stay_on_one_line_at_any_width():
    text = "请A001号到3号窗口办理，预约时段09:00–09:30，办结日期2026年11月26日，另有15分钟等候。"
    for cells in LINE_WIDTHS:
        assert_kept(printed(text, cells), ["A001号", "3号", "09:00–09:30", "2026年11月26日", "15分钟"])


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation_at_any_width():
    text = "请携带：身份证（原件）、户口簿「复印件」；《申请表》一份！如有疑问……请问窗口？谢谢。"
    for cells in LINE_WIDTHS:
        lines = printed(text, cells)
        assert "".join(lines) == text
        assert not any(line[0] in CLOSING for line in lines), lines
        assert not any(line[-1] in OPENING for line in lines), lines


def test_booking_slip_on_58mm_paper_keeps_its_code_hints_phone_tail_and_time_whole():
    slip = BookingSlip(
        center_name="金寨县斑竹园镇便民服务中心",
        code="482913",
        matter_name="城乡居民基本养老保险参保登记",
        slot_start=datetime(2026, 12, 1, 9, 0, tzinfo=HALL),
        slot_end=datetime(2026, 12, 1, 9, 30, tzinfo=HALL),
        resident="王女士",
        phone_tail="1234",
        windows=[1, 2],
    )
    for paper in (PAPER_58MM, PAPER_80MM):
        lines = text_lines(decode(encode(booking_blocks(slip), EncoderOptions(paper_width=paper))))
        assert_kept(lines, ["482913", "2026-12-01（周二）09:00-09:30", "（手机尾号1234）", "“扫码预约”", "预约码"])
        assert not any("\u2060" in line for line in lines)
