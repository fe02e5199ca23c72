"""Where Chinese text may break onto the next line: one rule for the kiosk screen and the slips.

Chinese may break between any two characters, but not everywhere a reader accepts: "扫码预/约"
on a slip, a lone "。" on its own line, "2026-00001" torn in two. The text is cut into pieces
that stay together, then lines are filled greedily with a width measure the caller supplies
(the kiosk label's own font, the printer's half-width cells):

- each Chinese character is a piece; a run of Latin letters, digits and ASCII signs (A001,
  2026-00001, 09:00–09:30) is one piece, and so is a number with its Chinese unit (3号, 5人,
  15分钟) or a Chinese date (2026年11月26日, 11月26日);
- closing punctuation (，。、；：！？）」』…) keeps to the piece before it and opening punctuation
  (（「『《) to the piece after it, so no line starts or ends with them (避头尾, GB/T 15834);
- a phrase between two word joiners (U+2060, written ``\\u2060`` in the message catalogs) stays
  on one line — the keep-together marker for slip texts such as "\\u2060扫码预约\\u2060" or
  "\\u2060手机尾号{tail}\\u2060"; the joiners themselves are never part of a line;
- the last two pieces of a paragraph stay together, so no line holds a single character.

A piece wider than the whole line stands on its own line; the caller decides what to do with it
(the kiosk shrinks the type, the printer hard-splits a long URL).
"""

from __future__ import annotations

import re
from collections.abc import Callable

KEEP = "\u2060"  # WORD JOINER: a pair of them marks a phrase that must not break

CLOSING = set("。，、；：？！）］｝」』”’》〉】〕〗〙…%％,.;:?!)]}·")
OPENING = set("（［｛「『“‘《〈【〔〖〘([{￥$")
_CLOSING_CHARS = "".join(sorted(CLOSING))

# A Latin run joins letters and digits with the signs of numbers, times and ranges.
_RUN = r"[A-Za-z0-9\-–—:./_@#+*&%~]+"
# A number keeps its Chinese unit: "3号窗口" must not print as "3/号窗口".
_UNIT = r"(?:分钟|小时|[年月日号时分秒人位项个件元岁天])"
_DATE = r"(?:\d{4}年)?\d{1,2}月\d{1,2}日"
_PIECE = re.compile(rf"{KEEP}([^{KEEP}]*){KEEP}|{_DATE}|{_RUN}{_UNIT}?|{KEEP}|.", re.DOTALL)


def pieces(paragraph: str) -> list[str]:
    """``paragraph`` (one line of the source, no newline) cut into pieces that never break."""
    raw: list[str] = []
    for match in _PIECE.finditer(paragraph):
        if match.group(0) == KEEP:
            continue  # an unpaired joiner: ignore it rather than print it
        raw.append(match.group(1) if match.group(1) is not None else match.group(0))
    glued: list[str] = []
    pending_open = ""
    for p in raw:
        if not p:
            continue
        if p in OPENING:
            pending_open += p
            continue
        p = pending_open + p
        pending_open = ""
        if glued and p[0] in CLOSING and not glued[-1].isspace():
            glued[-1] += p
        else:
            glued.append(p)
    if pending_open:
        glued.append(pending_open)
    # The paragraph's last two printing pieces keep together: never one character alone.
    words = [k for k, p in enumerate(glued) if not p.isspace()]
    if len(words) >= 2 and len(glued[words[-1]].rstrip(_CLOSING_CHARS)) <= 1 and words[-1] == words[-2] + 1:
        last = glued.pop()
        glued[-1] += last
    return glued


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The lines of ``text`` within ``width`` as ``measure`` counts; newlines of the text are kept,
    a space where a line breaks is dropped."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in pieces(paragraph):
            candidate = line + piece
            if not line or measure(candidate.rstrip()) <= width:
                line = candidate if line or not piece.isspace() else line
                continue
            lines.append(line.rstrip())
            line = "" if piece.isspace() else piece
        lines.append(line.rstrip())
    return lines
