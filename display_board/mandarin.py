"""What the announcer says, as tone-numbered pinyin (``qing3 A ling2 …``) for espeak-ng.

Debian's espeak-ng 1.51 turns Chinese characters into pinyin through its ``cmn`` dictionary and
then, with the default ``cmn`` voice ("latin as English"), reads that pinyin with English rules:
请 becomes "kI55NTr'i:55", 号 "heI22@11fo@11" ("hao four"). The ``cmn-latn-pinyin`` voice reads
tone-numbered pinyin as Mandarin syllables. So the sentence is turned into pinyin here, where the
hall's own rules apply (see docs/voice.md):

- characters by pypinyin's phrase dictionary (polyphones such as 行/长/重 get the reading of
  their word), tone numbers after the syllable, the neutral tone as 5;
- a ticket number digit by digit, 1 as 幺 (yao1) or 一 (yi1) as the hall chooses, 0 as 零;
- the letter of a ticket number as halls say the English letter (A "ei", F "ai fu");
- any other number (the window) as an amount: 3 → san1, 12 → shi2 er4.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

# How the letters of ticket prefixes are said in Chinese halls: the English letter name, in the
# nearest Mandarin syllables (espeak-ng's pinyin voice has no English phonemes).
LETTERS = {
    "A": "ei1",
    "B": "bi4",
    "C": "xi1",
    "D": "di4",
    "E": "yi4",
    "F": "ai2 fu5",
    "G": "ji4",
    "H": "ai2 qi5",
    "I": "ai4",
    "J": "zhei4",
    "K": "kai4",
    "L": "ai2 le5",
    "M": "ai2 mu5",
    "N": "en1",
    "O": "ou1",
    "P": "pi4",
    "Q": "qiu1",
    "R": "a4 er5",
    "S": "ai2 si5",
    "T": "ti4",
    "U": "you1",
    "V": "wei1",
    "W": "da2 bu5 liu5",
    "X": "ai2 ke5 si5",
    "Y": "wai4",
    "Z": "zei4",
}
DIGITS = ("ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")
ONE_READINGS = {"幺": "yao1", "一": "yi1"}
TICKET = re.compile(r"(?<![A-Za-z])([A-Za-z]{1,2})(\d{2,6})(?!\d)")
NUMBER = re.compile(r"\d+")
HAN = re.compile(r"[\u3400-\u9fff]+")
# Punctuation is a short pause: espeak-ng pauses at a comma.
PAUSE = re.compile(r"[，,。.、；;：:！!？?\s]+")


def digit_by_digit(digits: str, one: str = "幺") -> list[str]:
    if one not in ONE_READINGS:
        raise ValueError(one)
    return [ONE_READINGS[one] if d == "1" else DIGITS[int(d)] for d in digits]


def amount(n: int) -> list[str]:
    """A whole number as said aloud (window numbers, up to 9999): 10 shi2, 12 shi2 er4, 20 er4 shi2."""
    if n == 0:
        return ["ling2"]
    if n >= 10000:
        return digit_by_digit(str(n), "一")
    out: list[str] = []
    units = (("qian1", 1000), ("bai3", 100), ("shi2", 10))
    zero = False
    for name, size in units:
        d, n = divmod(n, size)
        if d:
            if zero:
                out.append("ling2")
            if not (name == "shi2" and d == 1 and not out):  # 十二, not 一十二
                out.append("liang3" if d == 2 and name in ("qian1", "bai3") else DIGITS[d])
            out.append(name)
            zero = False
        elif out:
            zero = True
    if n:
        if zero:
            out.append("ling2")
        out.append(DIGITS[n])
    return out


def words(text: str, one: str = "幺") -> list[list[str]]:
    """The sentence as words of tone-numbered syllables; a word [] is a pause."""
    out: list[list[str]] = []

    def plain(part: str) -> None:
        for piece in re.split(f"({PAUSE.pattern})", part):
            if not piece:
                continue
            if PAUSE.fullmatch(piece):
                if out and out[-1]:
                    out.append([])
                continue
            for run in re.split(r"(\d+)", piece):
                if not run:
                    continue
                if run.isdigit():
                    out.append(amount(int(run)) if len(run) <= 4 else digit_by_digit(run, one))
                    continue
                for chunk in re.split(f"({HAN.pattern})", run):
                    if not chunk:
                        continue
                    if HAN.fullmatch(chunk):
                        # One word per character: espeak-ng needs a space between syllables to
                        # give each its tone (joined syllables lose the tone marks' boundaries).
                        out.extend([s] for s in lazy_pinyin(chunk, style=Style.TONE3, neutral_tone_with_five=True))
                    else:
                        for letter in chunk.upper():
                            if letter in LETTERS:
                                out.append(LETTERS[letter].split())

    at = 0
    for m in TICKET.finditer(text):
        plain(text[at : m.start()])
        syllables = [s for letter in m.group(1).upper() for s in LETTERS[letter].split()]
        out.append(syllables + digit_by_digit(m.group(2), one))
        at = m.end()
    plain(text[at:])
    while out and not out[-1]:
        out.pop()
    return out


def pinyin_text(text: str, one: str = "幺") -> str:
    """The espeak-ng input for ``text``: one espeak word per word (a ticket number "ei1ling2ling2yao1",
    a window number "shi2er4", each character alone), pauses as commas. A number said as one word
    flows as halls say it and is ~10 % shorter than syllable by syllable (2.67 s against 2.95 s for
    "A001号到1号窗口" at 160 wpm, measured with sox)."""
    return " ".join("".join(w) if w else "," for w in words(text, one)).replace(" ,", ",")
