"""What the kiosk makes of what its QR scanner typed (kiosk/viewmodels/scanner.py)."""

from __future__ import annotations

from kiosk.viewmodels.scanner import APPOINTMENT, CASE, UNKNOWN, ScanBuffer, read_scan


def test_six_digits_are_an_appointment_code():
    assert read_scan("482913\r") == read_scan("482913")
    assert read_scan("482913").kind == APPOINTMENT and read_scan("482913").code == "482913"


def test_a_notice_link_or_a_bare_case_number_is_a_case_in_its_printed_form():
    scan = read_scan("http://hall.example/cases-ui/progress?no=2026-00001&code=345416")
    assert (scan.kind, scan.case_no, scan.code) == (CASE, "2026-00001", "345416")
    assert read_scan("2026-1").case_no == "2026-00001"


def test_anything_else_is_not_guessed_at():
    for text in ("hello", "12345", "http://x/?no=abc", "2026-0", "https://x/t/5?key=abc"):
        assert read_scan(text).kind == UNKNOWN, text


def test_the_buffer_gives_what_was_typed_since_the_last_enter():
    buf = ScanBuffer()
    for ch in "4829":
        buf.feed(ch)
    buf.feed("13")
    assert buf.take() == "482913" and buf.take() == ""
