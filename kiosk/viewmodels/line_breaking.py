"""Where a Chinese sentence on the kiosk may break onto the next line (without Kivy).

Kivy breaks text at spaces, and a run without spaces anywhere: "没有找到办件 / 2026-00001，请核对…"
put the case number on the next line for the space before it, and a sentence could end with a
lone "。" on its own line. Here the text is cut into pieces that stay together, and lines are
filled greedily with a width measure the caller supplies (the label's own font):

- each Chinese character is a piece; a run of Latin letters, digits and ASCII signs (2026-00001,
  A001, 09:00–11:30) is one piece;
- closing punctuation (。，、；：？！）」…) keeps to the piece before it, opening punctuation
  (（「“…) to the piece after it (the usual 避头尾 rule);
- the last two pieces of a paragraph stay together, so no line holds a single character.
"""

from __future__ import annotations

from collections.abc import Callable

CLOSING = set("。，、；：？！）」』”’》〉】…%,.;:?!)]}·")
OPENING = set("（「『“‘《〈【([{")
# Characters that join a Latin run: a number with its dash, a time range, a decimal.
_RUN_JOIN = set("-–—:./_@#+*&%~")


def _is_run_char(ch: str) -> bool:
    return (ch.isascii() and (ch.isalnum() or ch in _RUN_JOIN)) or ch in "–—"


def pieces(paragraph: str) -> list[str]:
    out: list[str] = []
    i, n = 0, len(paragraph)
    while i < n:
        ch = paragraph[i]
        if _is_run_char(ch):
            j = i
            while j < n and _is_run_char(paragraph[j]):
                j += 1
            out.append(paragraph[i:j])
            i = j
        else:
            out.append(ch)
            i += 1
    glued: list[str] = []
    pending_open = ""
    for p in out:
        if p in OPENING:
            pending_open += p
            continue
        p = pending_open + p
        pending_open = ""
        if glued and (p[0] in CLOSING) and not glued[-1].isspace():
            glued[-1] += p
        else:
            glued.append(p)
    if pending_open:
        glued.append(pending_open)
    # The paragraph's last two printing pieces keep together: never one character alone.
    words = [k for k, p in enumerate(glued) if not p.isspace()]
    closing = "".join(CLOSING)
    if len(words) >= 2 and len(glued[words[-1]].rstrip(closing)) <= 1 and words[-1] == words[-2] + 1:
        last = glued.pop()
        glued[-1] += last
    return glued


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> str:
    """``text`` with newlines where lines must break to stay within ``width``; a piece wider than
    the whole line stands on its own line (the caller shrinks the type then)."""
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
    return "\n".join(lines)
