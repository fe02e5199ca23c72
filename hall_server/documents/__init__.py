"""Case documents (受理通知书, 一次性告知书, 不予受理通知书, 送达回执, 办结通知单).

One layout per document (``build``) from the case record alone, rendered two ways: an A4
PDF for the office printer with the Chinese font embedded (``render_pdf``) and a short
thermal receipt (``thermal_blocks`` → hardware.printer.encode). Printing the same case
twice gives the same document: numbers and dates come from the record, never from now().
"""

from .layout import KINDS, CaseDocument, DocumentNotIssued, available, build
from .pdf import render_pdf
from .thermal import thermal_blocks, thermal_bytes

__all__ = [
    "KINDS",
    "CaseDocument",
    "DocumentNotIssued",
    "available",
    "build",
    "render_pdf",
    "thermal_blocks",
    "thermal_bytes",
]
