"""Printer status over the network and what the kiosk does with it."""

import socket
from datetime import UTC

import pytest

from hardware.printer import JobOutcome, PrinterState, encode, parse_status, print_job, printer_from_spec, slip_blocks
from hardware.printer.escpos_decoder import decode, text_lines
from hardware.printer.simulator import NetworkPrinterSimulator, PrinterSimulator, SimState
from tests.support.waiting import wait_until

# Status timeouts. The simulator answers in well under a millisecond, but on a loaded CI box its
# thread can wait longer than 0.2 s for a core: a test that needs the answer waits up to ANSWERS
# (returning as soon as it comes); only a test of a printer that never answers waits out FAST.
FAST = 0.2
ANSWERS = 5.0


@pytest.mark.parametrize(
    "answers,state",
    [
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}, PrinterState.OK),
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}, PrinterState.PAPER_NEAR_END),
        ({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E}, PrinterState.PAPER_OUT),
        ({1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}, PrinterState.COVER_OPEN),
        ({1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}, PrinterState.ERROR),
        ({1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12}, PrinterState.OFFLINE),
        ({1: 0x00}, PrinterState.ERROR),  # not a DLE EOT answer at all
    ],
)
def test_status_bytes_are_decoded_to_the_state_the_kiosk_shows(answers, state):
    assert parse_status(answers).state is state


def test_printer_out_of_paper_refuses_the_print_and_sends_nothing(printer_network_sim, printer_slip_factory):
    printer_network_sim.core.set_state(SimState.PAPER_OUT)
    with printer_from_spec(printer_network_sim.spec) as printer:
        result = print_job(printer, encode(slip_blocks(printer_slip_factory())), status_timeout=ANSWERS)

    assert result.outcome is JobOutcome.REFUSED and not result.printed
    assert result.status.state is PrinterState.PAPER_OUT
    assert result.status.to_dict()["state"] == "paper_out"
    assert "缺纸" in result.message("zh_CN")
    assert "out of paper" in result.message("en")
    assert printer_network_sim.core.jobs == [] and printer_network_sim.core.unfinished == b""


def test_ready_network_printer_prints_the_slip_once(printer_network_sim, printer_slip_factory):
    data = encode(slip_blocks(printer_slip_factory(number="B042")))
    with printer_from_spec(printer_network_sim.spec) as printer:
        result = print_job(printer, data, status_timeout=ANSWERS)

    assert result.outcome is JobOutcome.PRINTED
    assert printer_network_sim.core.wait_for_jobs(1)
    assert len(printer_network_sim.core.jobs) == 1
    assert "B042" in text_lines(decode(printer_network_sim.core.jobs[0]))
    assert printer_network_sim.core.queries[:4] == [1, 2, 3, 4]  # it asked before sending


def test_paper_near_end_still_prints_but_is_reported(printer_network_sim):
    printer_network_sim.core.set_state(SimState.PAPER_NEAR_END)
    with printer_from_spec(printer_network_sim.spec) as printer:
        result = print_job(printer, encode(slip_blocks(_slip())), status_timeout=ANSWERS)
    assert result.printed
    assert result.status.to_dict()["state"] == "paper_near_end"


def test_silent_printer_is_offline_never_paper_ok(printer_network_sim):
    printer_network_sim.core.set_state(SimState.SILENT)
    with printer_from_spec(printer_network_sim.spec) as printer:
        status = printer.query_status(FAST)
        result = print_job(printer, b"\x1b@x\n", status_timeout=FAST)
    assert status.state is PrinterState.OFFLINE and not status.can_print
    assert "no answer" in status.detail
    assert result.outcome is JobOutcome.REFUSED
    assert printer_network_sim.core.unfinished == b""


def test_unreachable_printer_is_offline_and_nothing_is_printed():
    with socket.socket() as probe:  # a port that was free a moment ago: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with printer_from_spec(f"network:127.0.0.1:{port}") as printer:
        result = print_job(printer, b"\x1b@x\n", status_timeout=FAST)
    assert result.outcome is JobOutcome.REFUSED
    assert result.status.state is PrinterState.OFFLINE


class _RunsOutOfPaperDuringTheJob(PrinterSimulator):
    def feed(self, data: bytes) -> bytes:
        answer = super().feed(data)
        if self.jobs:
            self.set_state(SimState.PAPER_OUT)
        return answer


def test_paper_running_out_during_the_print_is_uncertain_and_not_printed_twice():
    core = _RunsOutOfPaperDuringTheJob()
    with NetworkPrinterSimulator(core) as sim, printer_from_spec(sim.spec) as printer:
        result = print_job(printer, encode(slip_blocks(_slip())), status_timeout=ANSWERS)
    assert result.outcome is JobOutcome.UNCERTAIN
    assert result.status.state is PrinterState.PAPER_OUT
    assert "请勿重复取号" in result.message()
    assert len(core.jobs) == 1  # sent exactly once, no retry


def test_stale_status_byte_from_an_earlier_job_is_not_taken_as_the_answer(printer_network_sim):
    import select

    printer_network_sim.core.set_state(SimState.COVER_OPEN)
    with printer_from_spec(printer_network_sim.spec) as printer:
        # An answer nobody reads: DLE EOT 1 with the cover open says "offline", and read as the
        # next query's first answer it would make a printer that is fine look offline.
        printer.write(b"\x10\x04\x01")
        wait_until(lambda: printer_network_sim.core.received.endswith(b"\x10\x04\x01"), what="the query")
        assert select.select([printer._connect()], [], [], ANSWERS)[0], "the stale answer never arrived"
        printer_network_sim.core.set_state(SimState.OK)
        assert printer.query_status(ANSWERS).state is PrinterState.OK


def test_status_for_the_hall_server_is_plain_json_data(printer_network_sim):
    import json

    with printer_from_spec(printer_network_sim.spec) as printer:
        payload = printer.query_status(ANSWERS).to_dict()
    assert json.loads(json.dumps(payload))["state"] == "ok"
    assert payload["raw"] == {"1": "0x12", "2": "0x12", "3": "0x12", "4": "0x12"}


def test_file_transport_cannot_know_the_status_but_still_prints(tmp_path):
    target = tmp_path / "lp0"
    with printer_from_spec(f"file:{target}") as printer:
        result = print_job(printer, b"\x1b@hello\n")
    assert result.printed and result.status.state is PrinterState.UNKNOWN
    assert text_lines(decode(target.read_bytes())) == ["hello"]


def _slip():
    from datetime import datetime

    from hardware.printer import QueueSlip

    return QueueSlip("中心", "综合业务", "A001", 0, 0, datetime(2026, 11, 25, 1, 0, tzinfo=UTC), "https://x/1")
