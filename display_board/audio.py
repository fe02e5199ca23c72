"""Mono 16-bit PCM: the chime, joining clips, WAV files. Pure Python (no numpy on the box)."""

from __future__ import annotations

import array
import io
import math
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

RATE = 22050  # espeak-ng's own rate: speech needs no resampling


@dataclass(frozen=True)
class Pcm:
    """Signed 16-bit mono samples at ``rate`` Hz."""

    rate: int
    samples: array.array

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def __add__(self, other: Pcm) -> Pcm:
        other = other.resampled(self.rate)
        joined = array.array("h", self.samples)
        joined.extend(other.samples)
        return Pcm(self.rate, joined)

    def resampled(self, rate: int) -> Pcm:
        if rate == self.rate or not self.samples:
            return Pcm(rate, self.samples)
        src, n = self.samples, int(len(self.samples) * rate / self.rate)
        step = self.rate / rate
        out = array.array("h", bytes(2 * n))
        last = len(src) - 1
        for i in range(n):  # linear interpolation: clips are short, this is fast enough
            x = i * step
            j = int(x)
            k = min(j + 1, last)
            out[i] = int(src[j] + (src[k] - src[j]) * (x - j))
        return Pcm(rate, out)

    def rms(self) -> float:
        if not self.samples:
            return 0.0
        return math.sqrt(sum(s * s for s in self.samples) / len(self.samples))


def silence(seconds: float, rate: int = RATE) -> Pcm:
    return Pcm(rate, array.array("h", bytes(2 * int(seconds * rate))))


def chime(rate: int = RATE) -> Pcm:
    """A two-tone "ding-dong" (E5 then C5, bell-like decay), 1 s: people look up before the number
    is spoken. (It was 1.25 s; in a burst every call behind waited for it, and the bell has
    decayed to a sixth by 0.45 s anyway.)"""
    out = array.array("h")
    for freq, length in ((659.25, 0.45), (523.25, 0.55)):
        n = int(length * rate)
        for i in range(n):
            t = i / rate
            envelope = math.exp(-4.0 * t) * min(1.0, i / (0.005 * rate))  # 5 ms attack, no click
            value = math.sin(2 * math.pi * freq * t) + 0.35 * math.sin(2 * math.pi * 2 * freq * t)
            out.append(int(9000 * envelope * value))
    return Pcm(rate, out)


def read_wav(source: Path | bytes) -> Pcm:
    """A WAV file (or its bytes) as mono 16-bit PCM; stereo is mixed down."""
    with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source)) as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{w.getsampwidth() * 8}-bit samples")
        channels, rate = w.getnchannels(), w.getframerate()
        data = w.readframes(w.getnframes())
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if channels > 1:
        samples = array.array(
            "h", (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels))
        )
    return Pcm(rate, samples)


def wav_bytes(pcm: Pcm) -> bytes:
    samples = pcm.samples
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(pcm.rate)
        w.writeframes(samples.tobytes())
    return buffer.getvalue()


def write_wav(path: Path, pcm: Pcm) -> None:
    tmp = path.with_suffix(".part")
    tmp.write_bytes(wav_bytes(pcm))
    tmp.replace(path)  # a reader never sees half a file
