"""ESC/POS command bytes used by the encoder, decoder and simulator (one place, named)."""

from __future__ import annotations

ESC, GS, FS, DLE, LF = 0x1B, 0x1D, 0x1C, 0x10, 0x0A
EOT = 0x04

INIT = b"\x1b@"  # ESC @: reset modes (not the buffer of a real printer's received data)
CHINESE_ON = b"\x1c&"  # FS &: two-byte GBK codes from here on
CHINESE_OFF = b"\x1c."  # FS .
ALIGN = {"left": 0, "center": 1, "right": 2}


def align(name: str) -> bytes:
    return bytes((ESC, ord("a"), ALIGN[name]))


def bold(on: bool) -> bytes:
    return bytes((ESC, ord("E"), 1 if on else 0))


def char_size(width: int, height: int) -> bytes:
    """GS ! n: high nibble width-1, low nibble height-1 (applies to ASCII and Chinese)."""
    return bytes((GS, ord("!"), ((width - 1) << 4) | (height - 1)))


def feed_lines(n: int) -> bytes:
    return bytes((ESC, ord("d"), n))


def cut(partial: bool) -> bytes:
    """GS V 66/65 0: feed until the last printed line has passed the cutter, then cut.

    The n of GS V 65/66 counts vertical motion units, which differ between models
    (1/203" or 1/360"), so blank space before the cut is sent as ESC d lines instead."""
    return bytes((GS, ord("V"), 66 if partial else 65, 0))


def _gs_k(fn: int, params: bytes) -> bytes:
    # GS ( k pL pH cn fn params; cn 49 = QR code.
    length = len(params) + 2
    return bytes((GS, ord("("), ord("k"), length & 0xFF, length >> 8, 49, fn)) + params


QR_ECC = {"L": 48, "M": 49, "Q": 50, "H": 51}


def qr(payload: bytes, module_size: int, error_correction: str) -> bytes:
    return (
        _gs_k(65, bytes((50, 0)))  # fn 165: model 2
        + _gs_k(67, bytes((module_size,)))  # fn 167: module size in dots
        + _gs_k(69, bytes((QR_ECC[error_correction],)))  # fn 169: error correction
        + _gs_k(80, b"0" + payload)  # fn 180: store the data
        + _gs_k(81, b"0")  # fn 181: print the stored symbol
    )


def raster(width_bytes: int, rows: int, data: bytes, mode: int = 0) -> bytes:
    """GS v 0 m xL xH yL yH d1..dk."""
    return bytes((GS, ord("v"), ord("0"), mode, width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8)) + data


def status_query(n: int) -> bytes:
    """DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper)."""
    return bytes((DLE, EOT, n))


# Lengths of fixed-length commands that the decoder and simulator skip without
# interpreting (total length including the ESC/GS/FS byte). Commands not listed
# here and not handled explicitly are assumed to be two bytes long.
FIXED_LENGTH = {
    (ESC, ord("!")): 3,
    (ESC, ord("-")): 3,
    (ESC, ord("2")): 2,
    (ESC, ord("3")): 3,
    (ESC, ord(" ")): 3,
    (ESC, ord("E")): 3,
    (ESC, ord("G")): 3,
    (ESC, ord("M")): 3,
    (ESC, ord("R")): 3,
    (ESC, ord("V")): 3,
    (ESC, ord("a")): 3,
    (ESC, ord("d")): 3,
    (ESC, ord("J")): 3,
    (ESC, ord("t")): 3,
    (ESC, ord("{")): 3,
    (ESC, ord("c")): 4,
    (ESC, ord("p")): 5,
    (ESC, ord("$")): 4,
    (ESC, ord("\\")): 4,
    (ESC, ord("@")): 2,
    (ESC, ord("i")): 2,
    (ESC, ord("m")): 2,
    (ESC, ord("=")): 3,
    (ESC, ord("U")): 3,
    (GS, ord("!")): 3,
    (GS, ord("B")): 3,
    (GS, ord("L")): 4,
    (GS, ord("W")): 4,
    (GS, ord("H")): 3,
    (GS, ord("f")): 3,
    (GS, ord("h")): 3,
    (GS, ord("w")): 3,
    (GS, ord("a")): 3,
    (GS, ord("r")): 3,
    (GS, ord("I")): 3,
    (GS, ord("b")): 3,
    (FS, ord("&")): 2,
    (FS, ord(".")): 2,
    (FS, ord("!")): 3,
    (FS, ord("C")): 3,
    (FS, ord("-")): 3,
    (FS, ord("W")): 3,
    (FS, ord("S")): 4,
    (DLE, EOT): 3,
    (DLE, 0x05): 3,
    (DLE, 0x14): 5,
}


def command_length(buf: bytes | bytearray, i: int) -> int | None:
    """Length of the command starting at ``buf[i]`` (1 for a plain byte);
    None if ``buf`` ends before the command does (wait for more, or it was cut off)."""
    length = _command_length(buf, i)
    return length if length is not None and i + length <= len(buf) else None


def _command_length(buf: bytes | bytearray, i: int) -> int | None:
    b = buf[i]
    if b not in (ESC, GS, FS, DLE):
        return 1
    if i + 1 >= len(buf):
        return None
    second = buf[i + 1]
    if b == DLE and second not in (EOT, 0x05, 0x14):
        return 1  # a lone DLE byte is just data
    if b == GS and second == ord("V"):
        if i + 2 >= len(buf):
            return None
        return 4 if buf[i + 2] in (65, 66, 97, 98, 103, 104) else 3
    if b == GS and second == ord("v"):
        if i + 8 > len(buf):
            return None
        width_bytes = buf[i + 4] | buf[i + 5] << 8
        rows = buf[i + 6] | buf[i + 7] << 8
        return 8 + width_bytes * rows
    if b == GS and second == ord("("):
        if i + 5 > len(buf):
            return None
        return 5 + (buf[i + 3] | buf[i + 4] << 8)
    if b == GS and second == ord("k"):  # 1-D barcode: GS k m ... (NUL-ended or counted)
        if i + 3 > len(buf):
            return None
        m = buf[i + 2]
        if m <= 6:
            end = bytes(buf).find(b"\x00", i + 3)
            return None if end < 0 else end - i + 1
        if i + 4 > len(buf):
            return None
        return 4 + buf[i + 3]
    return FIXED_LENGTH.get((b, second), 2)
