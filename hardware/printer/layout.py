"""Printer-independent layout of a thermal ticket.

A ticket is a flat list of blocks printed top to bottom.  The model knows
nothing about ESC/POS or pixels, so the same queue slip (and later the short
受理通知书 case receipt) can be encoded natively, as a raster image, or drawn
as a preview.  Sizes are the printer's own character multipliers (1..8 in each
direction, as GS ! allows) so that what the layout asks for is exactly what a
native printer can do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


def _check_multiplier(name: str, value: int) -> None:
    # GS ! encodes each multiplier in 3 bits (1..8); anything else would be
    # silently truncated by the printer, so refuse it here.
    if not isinstance(value, int) or not 1 <= value <= 8:
        raise ValueError(f"{name} must be an integer 1..8, got {value!r}")


@dataclass(frozen=True)
class Text:
    """A paragraph; the encoder wraps it to the paper width."""

    text: str
    width: int = 1
    height: int = 1
    align: Align = Align.LEFT
    bold: bool = False

    def __post_init__(self) -> None:
        _check_multiplier("width", self.width)
        _check_multiplier("height", self.height)
        object.__setattr__(self, "align", Align(self.align))


@dataclass(frozen=True)
class QR:
    """A QR code; module_size is dots per module (GS ( k fn 167 allows 1..16)."""

    payload: str
    module_size: int = 6
    align: Align = Align.CENTER
    error_correction: str = "M"

    def __post_init__(self) -> None:
        if not self.payload:
            raise ValueError("QR payload must not be empty")
        if not 1 <= self.module_size <= 16:
            raise ValueError(f"QR module_size must be 1..16, got {self.module_size!r}")
        if self.error_correction not in ("L", "M", "Q", "H"):
            raise ValueError(f"QR error_correction must be L/M/Q/H, got {self.error_correction!r}")
        object.__setattr__(self, "align", Align(self.align))


@dataclass(frozen=True)
class Rule:
    """A horizontal separator across the paper."""


@dataclass(frozen=True)
class Feed:
    lines: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.lines <= 255:
            raise ValueError(f"Feed lines must be 0..255, got {self.lines!r}")


@dataclass(frozen=True)
class Cut:
    """Feed ``feed_lines`` blank lines, then cut (the printer itself feeds the last line
    past the cutter); partial leaves a hinge so the slip does not fall."""

    partial: bool = True
    feed_lines: int = 4

    def __post_init__(self) -> None:
        if not 0 <= self.feed_lines <= 255:
            raise ValueError(f"Cut feed_lines must be 0..255, got {self.feed_lines!r}")


Block = Text | QR | Rule | Feed | Cut
