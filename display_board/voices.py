"""Offline Mandarin speech: espeak-ng (voice ``cmn-latn-pinyin``, fed tone-numbered pinyin) or the
hall's own recorded clips. Why this voice: docs/voice.md."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from hall_common.i18n import message

from .audio import Pcm, read_wav, silence
from .mandarin import ONE_READINGS, pinyin_text

log = logging.getLogger(__name__)
DIGITS = "零一二三四五六七八九"
# The voice that reads Latin text as tone-numbered pinyin (Debian's espeak-ng-data has it since
# 1.50); the plain ``cmn`` voice reads the same text with English letter rules.
PINYIN_VOICE = "cmn-latn-pinyin"
# espeak-ng puts ~0.2 s of silence before and after every sentence: cut, the announcer's own gap
# decides the pause, and a queued call is heard ~0.4 s sooner.
QUIET = 200
TICKET_NUMBER = re.compile(r"([A-Za-z]+)(\d+)")
PAUSES = set("，,。.、；;：: ！!？?")


class VoiceError(Exception):
    """Speech cannot be produced; the message is ready for the operator (Chinese)."""


def spoken_form(text: str, one: str = "幺") -> str:
    """Ticket numbers are read digit by digit, as halls do: "A001" → "A零零幺" (or "A零零一")."""
    digits = DIGITS.replace("一", one)
    return TICKET_NUMBER.sub(lambda m: m.group(1).upper() + "".join(digits[int(d)] for d in m.group(2)), text)


def trim_silence(pcm: Pcm, keep: float = 0.02) -> Pcm:
    samples, margin = pcm.samples, int(keep * pcm.rate)
    first = next((i for i, s in enumerate(samples) if abs(s) > QUIET), len(samples))
    last = next((i for i in range(len(samples) - 1, first - 1, -1) if abs(samples[i]) > QUIET), first)
    return Pcm(pcm.rate, samples[max(0, first - margin) : last + 1 + margin])


class EspeakVoice:
    def __init__(
        self, voice: str = PINYIN_VOICE, speed: int = 160, executable: str | None = None, one: str = "幺"
    ) -> None:
        if one not in ONE_READINGS:
            raise VoiceError(message("announcer.bad_one", one=one, choices="、".join(ONE_READINGS)))
        self.voice, self.speed, self.one = voice, speed, one
        found = executable or shutil.which("espeak-ng")
        if found is None:
            raise VoiceError(message("announcer.no_espeak"))
        self.executable: str = found

    def espeak_input(self, text: str) -> str:
        """What espeak-ng is given: pinyin for the pinyin voice, characters for any other."""
        if "pinyin" in self.voice.lower():
            return pinyin_text(text, self.one)
        return spoken_form(text, self.one)

    def phonemes(self, text: str) -> str:
        """espeak-ng's phoneme mnemonics for ``text`` (``-x``): what the voice will say."""
        done = subprocess.run(
            [self.executable, "-v", self.voice, "-q", "-x", "--", self.espeak_input(text)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        return done.stdout.strip()

    def speak(self, text: str) -> Pcm:
        with tempfile.TemporaryDirectory(prefix="yichuang-tts-") as folder:
            out = Path(folder) / "speech.wav"
            # -w writes a proper WAV (--stdout leaves the length fields unset).
            done = subprocess.run(
                [
                    self.executable,
                    "-v",
                    self.voice,
                    "-s",
                    str(self.speed),
                    "-w",
                    str(out),
                    "--",
                    self.espeak_input(text),
                ],
                capture_output=True,
                text=True,
                timeout=30,
            )
            if done.returncode != 0 or not out.exists() or out.stat().st_size <= 44:
                raise VoiceError(
                    message(
                        "announcer.espeak_failed",
                        voice=self.voice,
                        error=(done.stderr or f"exit {done.returncode}").strip(),
                    )
                )
            return trim_silence(read_wav(out))


class ClipVoice:
    """Speaks by joining recorded clips named after what they say: ``请.wav``, ``A.wav``,
    ``0.wav`` … ``9.wav`` (or ``零.wav`` …), ``号.wav``, ``到.wav``, ``窗口办理.wav``,
    ``再次呼叫.wav``. The longest clip that matches is used at each point; punctuation is a
    short pause. Text the clips cannot cover goes to ``fallback`` (espeak-ng) whole, so a
    sentence never mixes two voices."""

    def __init__(self, folder: Path, fallback: EspeakVoice | None = None, one: str = "幺") -> None:
        self.one = one
        if not folder.is_dir():
            raise VoiceError(message("announcer.clips_folder_missing", folder=folder))
        self.folder = folder
        self.fallback = fallback
        self.clips: dict[str, Path] = {p.stem: p for p in folder.glob("*.wav")}
        self._cache: dict[str, Pcm] = {}
        self._longest = max((len(k) for k in self.clips), default=0)

    def _clip(self, name: str) -> Pcm:
        if name not in self._cache:
            try:
                self._cache[name] = read_wav(self.clips[name])
            except (OSError, ValueError, EOFError) as exc:
                raise VoiceError(message("announcer.bad_clip", file=self.clips[name], error=exc)) from None
        return self._cache[name]

    def plan(self, text: str) -> list[str] | None:
        """The clip names (or "" for a pause) that say ``text``; None if some part has no clip."""
        parts: list[str] = []
        i = 0
        while i < len(text):
            if text[i] in PAUSES or text[i].isspace():
                parts.append("")
                i += 1
                continue
            for size in range(min(self._longest, len(text) - i), 0, -1):
                piece = text[i : i + size]
                if piece in self.clips or piece.upper() in self.clips:
                    parts.append(piece if piece in self.clips else piece.upper())
                    i += size
                    break
            else:
                return None
        return parts

    def speak(self, text: str) -> Pcm:
        parts = self.plan(text) or self.plan(spoken_form(text, self.one)) or self.plan(spoken_form(text, "一"))
        if parts is None:
            if self.fallback is None:
                raise VoiceError(message("announcer.clips_missing", folder=self.folder, text=text))
            log.warning(message("announcer.clips_missing", folder=self.folder, text=text))
            return self.fallback.speak(text)
        rate = self._clip(next(p for p in parts if p)).rate if any(parts) else 22050
        out = silence(0, rate)
        for part in parts:
            out = out + (self._clip(part) if part else silence(0.25, rate))
        return out
