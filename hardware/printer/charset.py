"""What a Chinese ESC/POS printer can print from its own font, and line wrapping.

Chinese printers hold a GBK (GB18030 two-byte) font: in Chinese mode (FS &)
ASCII bytes print as half-width characters and every two-byte GBK code as a
full-width 24-dot glyph.  Characters outside that set (GB18030 four-byte codes
such as ``¥``, CJK Ext-A/B name characters like 䶮 or 𠮷, the GBK user-defined
areas) cannot be printed natively and must be rasterised.
"""

from __future__ import annotations

import functools

# Look-alikes that the printer font does have.  ¥ (U+00A5) is a GB18030
# four-byte code that GBK printers print as garbage; the full-width ￥ is in GBK.
SUBSTITUTIONS = {
    "\u00a5": "\uffe5",  # ¥ -> ￥
    "\u2022": "\u00b7",  # • -> ·
    "\u00a0": " ",  # no-break space
    "\u3000": "  ",  # ideographic space -> two ASCII spaces (same width, 1 byte each)
    "\t": " ",
}

# Characters that must not start a line (避头点) in Chinese typesetting.
_NO_LINE_START = set("，。、；：！？）》」』】〕…—,.;:!?)]}%％")


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


def _tokens(text: str) -> list[str]:
    # ASCII words (ticket numbers, URLs, times) stay together; every other
    # character is its own token because Chinese breaks between any two.
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ord(ch) < 0x80 and not ch.isspace():
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(ch)
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, max_cells: int) -> list[str]:
    """Split ``text`` into lines of at most ``max_cells`` cells (explicit \\n kept)."""
    if max_cells < 2:
        raise ValueError("a line must hold at least one full-width character")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for token in _tokens(paragraph):
            if cells(current) + cells(token) <= max_cells:
                current += token
                continue
            if token.isspace():
                lines.append(current.rstrip())
                current = ""
                continue
            if token[0] in _NO_LINE_START and len(current) > 1 and cells(current[-1] + token) <= max_cells:
                # Carry the last character down with the punctuation rather
                # than starting a line with "，".
                lines.append(current[:-1])
                current = current[-1] + token
            elif cells(token) > max_cells:
                # A word longer than a line (a long URL): hard-split it.
                for ch in token:
                    if cells(current) + cells(ch) > max_cells:
                        lines.append(current)
                        current = ""
                    current += ch
            else:
                lines.append(current.rstrip())
                current = token
        lines.append(current.rstrip())
    return lines
