"""Thermal receipt printer driver: layout -> ESC/POS bytes -> transport, with status and previews.

Typical kiosk use::

    printer = printer_from_spec(config.printer)          # e.g. "serial:/dev/ttyUSB0?baudrate=9600"
    data = encode(slip_blocks(slip, locale))            # native GBK text + QR, < 1 KB
    result = print_job(printer, data)                   # checks DLE EOT status first, sends once
    hall.report_printer(result.status.to_dict())
    show(result.message(locale))
"""

from .booking_slip import BookingSlip, booking_blocks
from .escpos_decoder import decode, split_jobs, text_lines
from .escpos_encoder import PAPER_58MM, PAPER_80MM, EncodedTicket, EncoderOptions, encode, encode_ticket
from .fonts import CjkFontNotFound
from .job import JobOutcome, PrintResult, print_job
from .layout import QR, Align, Block, Cut, Feed, Rule, Text
from .slip import QueueSlip, default_notices, demo_slip, slip_blocks
from .status import PrinterState, PrinterStatus, parse_status, query_status
from .transports import (
    CupsTransport,
    DummyTransport,
    FileTransport,
    NetworkTransport,
    PreviewTransport,
    PrinterSpecError,
    PrinterTransport,
    SerialTransport,
    TransportError,
    UsbTransport,
    printer_from_spec,
)

__all__ = [
    "Align",
    "Block",
    "Cut",
    "Feed",
    "QR",
    "Rule",
    "Text",
    "QueueSlip",
    "BookingSlip",
    "booking_blocks",
    "default_notices",
    "demo_slip",
    "slip_blocks",
    "EncoderOptions",
    "EncodedTicket",
    "PAPER_58MM",
    "PAPER_80MM",
    "encode",
    "encode_ticket",
    "decode",
    "split_jobs",
    "text_lines",
    "CjkFontNotFound",
    "PrinterState",
    "PrinterStatus",
    "parse_status",
    "query_status",
    "PrinterTransport",
    "NetworkTransport",
    "SerialTransport",
    "UsbTransport",
    "FileTransport",
    "CupsTransport",
    "DummyTransport",
    "PreviewTransport",
    "TransportError",
    "PrinterSpecError",
    "printer_from_spec",
    "JobOutcome",
    "PrintResult",
    "print_job",
]
