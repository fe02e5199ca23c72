"""Queue slips encoded natively: what the resident reads must survive the bytes."""

from datetime import UTC, datetime

import pytest

from hardware.printer import EncoderOptions, encode, encode_ticket, slip_blocks
from hardware.printer.escpos_decoder import PaperCut, QRCode, RasterImage, TextLine, decode, split_jobs, text_lines
from hardware.printer.layout import Align, Text


def test_native_slip_decodes_back_to_number_matter_waiting_time_qr_and_cut(printer_slip_factory):
    elements = decode(encode(slip_blocks(printer_slip_factory())))
    lines = text_lines(elements)

    assert "金寨县花石乡便民服务中心" in lines
    # The matter is printed 2x wide, so a long name wraps onto two lines.
    assert "".join(line.strip() for line in lines).count("城乡居民医疗保险参保登记") == 1
    assert "A017" in lines
    assert "您前面还有 5 人在等待" in lines
    assert "预计等候约 25 分钟" in lines
    assert "请在休息区等候，注意呼叫及大屏显示信息" in lines
    assert "过号无效，请您重新取号" in lines
    assert "取号时间：2026-11-25 09:31:05" in lines
    qrs = [e for e in elements if isinstance(e, QRCode)]
    assert [q.payload for q in qrs] == ["https://yichuang.example/t/20261125-A017"]
    assert isinstance(elements[-1], PaperCut) and elements[-1].partial
    assert not any(isinstance(e, RasterImage) for e in elements), "plain Chinese needs no raster"


def test_ticket_number_is_printed_large_bold_and_centered(printer_slip_factory):
    number = next(
        e for e in decode(encode(slip_blocks(printer_slip_factory()))) if isinstance(e, TextLine) and e.text == "A017"
    )
    assert (number.width, number.height, number.bold, number.align) == (4, 4, True, "center")


def test_native_slip_is_under_one_kilobyte(printer_slip_factory):
    slip = printer_slip_factory(
        priority_label="优先办理", appointment_label="预约 09:30-10:00", window_hint="1、2、3号综合窗口"
    )
    assert len(encode(slip_blocks(slip))) < 1024


def test_slip_shows_the_time_in_the_center_time_zone_even_when_issued_in_utc(printer_slip_factory):
    slip = printer_slip_factory(issued_at=datetime(2026, 11, 25, 1, 30, 0, tzinfo=UTC))
    assert "取号时间：2026-11-25 09:30:00" in text_lines(decode(encode(slip_blocks(slip))))


def test_slip_without_estimate_leaves_the_estimate_line_out(printer_slip_factory):
    lines = text_lines(decode(encode(slip_blocks(printer_slip_factory(estimated_wait_minutes=None)))))
    assert not any("预计等候" in line for line in lines)
    assert "您前面还有 5 人在等待" in lines


def test_a_wait_across_lunch_prints_the_time_after_the_break_not_minutes(printer_slip_factory):
    after = datetime(2026, 11, 25, 5, 30, tzinfo=UTC)  # 13:30 in the hall
    lines = text_lines(decode(encode(slip_blocks(printer_slip_factory(expected_start=after, after_break=True)))))
    assert "午休后办理，约13:30" in lines and not any("预计等候" in line for line in lines)


def test_priority_and_appointment_labels_are_printed(printer_slip_factory):
    lines = text_lines(
        decode(encode(slip_blocks(printer_slip_factory(priority_label="优先", appointment_label="预约"))))
    )
    assert "优先  预约" in lines


def test_naive_issue_time_is_rejected(printer_slip_factory):
    with pytest.raises(ValueError, match="timezone-aware"):
        printer_slip_factory(issued_at=datetime(2026, 11, 25, 9, 0))


def test_english_slip_comes_from_the_english_catalog(printer_slip_factory):
    lines = text_lines(decode(encode(slip_blocks(printer_slip_factory(notices=[]), locale="en"))))
    assert "5 people ahead of you" in lines
    assert "Issued: 2026-11-25 09:31:05" in lines


def test_yen_sign_is_printed_natively_as_fullwidth_yen():
    ticket = encode_ticket([Text("工本费 ¥10")])
    assert ticket.raster_lines == []
    assert text_lines(decode(ticket.data)) == ["工本费 ￥10"]


def test_two_slips_in_one_stream_split_into_two_tickets_at_the_cut(printer_slip_factory):
    data = encode(slip_blocks(printer_slip_factory(number="A001")) + slip_blocks(printer_slip_factory(number="A002")))
    jobs = split_jobs(decode(data))
    assert len(jobs) == 2
    assert "A001" in text_lines(jobs[0]) and "A002" in text_lines(jobs[1])


def test_long_notice_wraps_inside_the_paper_and_never_starts_a_line_with_a_comma():
    text = "请携带本人身份证原件及复印件，户口簿原件及复印件，近期一寸免冠照片两张，到窗口办理"
    lines = text_lines(decode(encode([Text(text, align=Align.LEFT)], EncoderOptions())))
    assert "".join(lines) == text
    assert all(len(line.encode("gbk")) <= 48 for line in lines)
    assert not any(line.startswith("，") for line in lines)
