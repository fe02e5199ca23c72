"""Serial printing through a real pty pair (socat): production SerialTransport on one end,
the simulated printer on the other."""

import shutil

import pytest

from hardware.printer import JobOutcome, PrinterState, encode, print_job, printer_from_spec, slip_blocks
from hardware.printer.escpos_decoder import QRCode, decode, text_lines
from hardware.printer.simulator import PrinterSimulator, SerialPrinterSimulator, SimState, SocatPtyPair

pytestmark = pytest.mark.skipif(shutil.which("socat") is None, reason="needs socat (Debian package socat)")
# A printer that answers gets 5 s (returned from at once; a loaded box can stall the simulator's
# thread past 0.5 s); one that never answers gets 0.2 s, the wait that must run out.


@pytest.fixture
def printer_pty():
    with SocatPtyPair() as pair:
        yield pair


def test_slip_prints_over_serial_with_the_printer_answering_status(printer_pty, printer_slip_factory):
    core = PrinterSimulator()
    with SerialPrinterSimulator(printer_pty.device_end, core):
        with printer_from_spec(f"serial:{printer_pty.host_end}?baudrate=9600") as printer:
            assert printer.query_status(5).state is PrinterState.OK
            result = print_job(printer, encode(slip_blocks(printer_slip_factory(number="C003"))), status_timeout=5)
        assert result.outcome is JobOutcome.PRINTED
        assert core.wait_for_jobs(1)
    elements = decode(core.jobs[0])
    assert "C003" in text_lines(elements)
    assert [e.payload for e in elements if isinstance(e, QRCode)] == ["https://yichuang.example/t/20261125-A017"]


def test_cover_open_on_a_serial_printer_refuses_the_print(printer_pty):
    core = PrinterSimulator(SimState.COVER_OPEN)
    with (
        SerialPrinterSimulator(printer_pty.device_end, core),
        printer_from_spec(f"serial:{printer_pty.host_end}") as printer,
    ):
        result = print_job(printer, b"\x1b@x\n\x1dVB\x00", status_timeout=5)
    assert result.outcome is JobOutcome.REFUSED
    assert result.status.state is PrinterState.COVER_OPEN
    assert core.jobs == []


def test_serial_printer_that_never_answers_is_offline(printer_pty):
    # Nobody reads the device end: exactly what a switched-off printer on a live cable looks like.
    with printer_from_spec(f"serial:{printer_pty.host_end}?baudrate=115200") as printer:
        status = printer.query_status(0.2)
    assert status.state is PrinterState.OFFLINE
    assert not status.can_print


def test_missing_serial_port_is_not_sent_and_says_why(tmp_path):
    with printer_from_spec(f"serial:{tmp_path / 'ttyUSB9'}") as printer:
        assert printer.query_status(0.2).state is PrinterState.OFFLINE
        result = print_job(printer, b"x", status_timeout=0.2)
    assert result.outcome is JobOutcome.REFUSED
    assert "ttyUSB9" in result.status.detail
