"""What a Chinese ESC/POS printer can print from its own font, and line wrapping.

Chinese printers hold a GBK (GB18030 two-byte) font: in Chinese mode (FS &)
ASCII bytes print as half-width characters and every two-byte GBK code as a
full-width 24-dot glyph.  Characters outside that set (GB18030 four-byte codes
such as ``¥``, CJK Ext-A/B name characters like 䶮 or 𠮷, the GBK user-defined
areas) cannot be printed natively and must be rasterised.
"""

from __future__ import annotations

import functools

from hall_common.line_breaking import break_lines

# Look-alikes that the printer font does have.  ¥ (U+00A5) is a GB18030
# four-byte code that GBK printers print as garbage; the full-width ￥ is in GBK.
SUBSTITUTIONS = {
    "\u00a5": "\uffe5",  # ¥ -> ￥
    "\u2022": "\u00b7",  # • -> ·
    "\u00a0": " ",  # no-break space
    "\u3000": "  ",  # ideographic space -> two ASCII spaces (same width, 1 byte each)
    "\t": " ",
}


def normalize(text: str) -> str:
    """Replace characters by printable look-alikes and drop control characters."""
    out = []
    for ch in text:
        ch = SUBSTITUTIONS.get(ch, ch)
        if len(ch) == 1 and (ord(ch) < 0x20 and ch != "\n" or ord(ch) == 0x7F):
            continue  # a stray control byte would be read by the printer as a command
        out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def is_native(ch: str) -> bool:
    """True if the printer's resident font prints ``ch`` (printable ASCII or 2-byte GBK)."""
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return True
    if code < 0x80:
        return False
    try:
        raw = ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    if len(raw) != 2:
        return False  # Python's gbk maps € to the single byte 0x80; printers do not
    lead, trail = raw
    # GBK user-defined areas: printers have no glyphs there.
    if 0xAA <= lead <= 0xAF and trail >= 0xA1 or 0xF8 <= lead <= 0xFE and trail >= 0xA1:
        return False
    if 0xA1 <= lead <= 0xA7 and 0x40 <= trail <= 0xA0:
        return False
    # The decoder (and any GB18030 reader) must read back the same character.
    return raw.decode("gb18030", errors="replace") == ch


def all_native(text: str) -> bool:
    return all(is_native(ch) for ch in text)


def native_bytes(text: str) -> bytes:
    """Bytes for Chinese mode; the caller has checked ``all_native``."""
    return text.encode("gbk")


def cells(text: str) -> int:
    """Width in half-width cells: ASCII is one cell, everything else two."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def _hard_split(line: str, max_cells: int) -> list[str]:
    # Only a piece wider than the paper (a long URL) gets here: cut it where the paper ends.
    out = [""]
    for ch in line:
        if out[-1] and cells(out[-1]) + cells(ch) > max_cells:
            out.append("")
        out[-1] += ch
    return out


def wrap(text: str, max_cells: int) -> list[str]:
    """Split ``text`` into lines of at most ``max_cells`` cells (explicit \\n kept), breaking only
    where Chinese may break (hall_common/line_breaking.py: 避头尾, numbers, times and phrases marked
    to keep together stay on one line)."""
    if max_cells < 2:
        raise ValueError("a line must hold at least one full-width character")
    lines: list[str] = []
    for line in break_lines(text, max_cells, cells):
        lines += _hard_split(line, max_cells) if cells(line) > max_cells else [line]
    return lines
