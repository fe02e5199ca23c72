"""Frames and the typed errors a streaming decoder reports.

Errors are *returned* by decoders as values alongside frames, never raised into the bus:
one corrupted frame on a shared RS-485 line must cost that frame only, not the bus thread
and not the frames behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hall_common.i18n import DEFAULT_LOCALE, message


@dataclass(frozen=True)
class Frame:
    """One protocol frame: who (address), what (command code) and its payload."""

    address: int
    command: int
    data: bytes = b""
    # The exact bytes seen on the wire, when decoded. The host's ACK is an echo of these bytes.
    raw: bytes = field(default=b"", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.address <= 0xFF:
            raise ValueError(f"address must be 0..255, got {self.address}")
        if not 0 <= self.command <= 0xFF:
            raise ValueError(f"command must be 0..255, got {self.command}")


class FrameError(Exception):
    """Something on the line that is not a valid frame. Subclasses name what was wrong.

    ``key``/``params`` give the operator-facing text through the message catalog;
    ``skipped`` is the number of bytes the decoder threw away because of it.
    """

    key = "serial.error_frame"

    def __init__(self, skipped: int = 0, **params: object) -> None:
        self.skipped = skipped
        self.params = params
        super().__init__(self.message())

    def message(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(self.key, locale, skipped=self.skipped, **self.params)


class ChecksumError(FrameError):
    """Frame well delimited (lengths and tail fine) but the checksum does not match."""

    key = "serial.error_checksum"


class LengthError(FrameError):
    """Length field impossible, or its two copies disagree."""

    key = "serial.error_length"


class TailError(FrameError):
    """The byte where the tail should be is something else (usually a corrupted length)."""

    key = "serial.error_tail"


class TruncatedError(FrameError):
    """The line went quiet in the middle of a frame."""

    key = "serial.error_truncated"


class JunkError(FrameError):
    """Bytes before any frame start (line noise, a device talking a different protocol)."""

    key = "serial.error_junk"


Decoded = Frame | FrameError
