"""Offline Mandarin speech: espeak-ng (voice ``cmn``) or the hall's own recorded clips."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from hall_common.i18n import message

from .audio import Pcm, read_wav, silence

log = logging.getLogger(__name__)
DIGITS = "零一二三四五六七八九"
TICKET_NUMBER = re.compile(r"([A-Za-z]+)(\d+)")
PAUSES = set("，,。.、；;：: ！!？?")


class VoiceError(Exception):
    """Speech cannot be produced; the message is ready for the operator (Chinese)."""


def spoken_form(text: str) -> str:
    """Ticket numbers are read digit by digit, as halls do: "A001" → "A零零一" (espeak
    would otherwise say "A一")."""
    return TICKET_NUMBER.sub(lambda m: m.group(1).upper() + "".join(DIGITS[int(d)] for d in m.group(2)), text)


class EspeakVoice:
    def __init__(self, voice: str = "cmn", speed: int = 150, executable: str | None = None) -> None:
        self.voice, self.speed = voice, speed
        found = executable or shutil.which("espeak-ng")
        if found is None:
            raise VoiceError(message("announcer.no_espeak"))
        self.executable: str = found

    def speak(self, text: str) -> Pcm:
        with tempfile.TemporaryDirectory(prefix="yichuang-tts-") as folder:
            out = Path(folder) / "speech.wav"
            # -w writes a proper WAV (--stdout leaves the length fields unset).
            done = subprocess.run(
                [self.executable, "-v", self.voice, "-s", str(self.speed), "-w", str(out), "--", spoken_form(text)],
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
            return read_wav(out)


class ClipVoice:
    """Speaks by joining recorded clips named after what they say: ``请.wav``, ``A.wav``,
    ``0.wav`` … ``9.wav`` (or ``零.wav`` …), ``号.wav``, ``到.wav``, ``窗口办理.wav``,
    ``再次呼叫.wav``. The longest clip that matches is used at each point; punctuation is a
    short pause. Text the clips cannot cover goes to ``fallback`` (espeak-ng) whole, so a
    sentence never mixes two voices."""

    def __init__(self, folder: Path, fallback: EspeakVoice | None = None) -> None:
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
        parts = self.plan(text) or self.plan(spoken_form(text))
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
