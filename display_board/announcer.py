"""The hall's voice: each call spoken twice in Mandarin after a chime, one at a time.

Events come in (from ``EventStream``); ``ticket.called`` / ``ticket.recalled`` become
announcements on ONE queue worked by ONE thread, so two windows calling in the same second
are heard one after the other, never over each other. A call that is already older than
``stale_seconds`` when its turn comes (e.g. replayed after a network drop) is logged and
skipped: residents would go to a window that has long moved on.

Every announcement is written to a JSON-lines log (event id, number, window, when the event
arrived, when speech started and ended, the WAV file): that is how tests and supervisors see
order and the absence of overlap.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from hall_common.i18n import message
from hall_common.sse_client import ServerClock, ServerEvent

from .audio import Pcm, chime, silence, write_wav

log = logging.getLogger(__name__)
CALL_EVENTS = {"ticket.called": "call", "ticket.recalled": "recall"}


class Voice(Protocol):
    def speak(self, text: str) -> Pcm: ...


@dataclass(frozen=True)
class Announcement:
    event_id: int | None
    kind: str  # "call" | "recall"
    number: str
    window: int
    at: datetime | None  # when the server made the call (server clock)
    received: float  # local wall clock when the event arrived


class Wording:
    """What is said; configurable, defaults from the message catalog (announcer.call/recall)."""

    def __init__(self, call: str | None = None, recall: str | None = None, repeat: int = 2) -> None:
        self.call = call or message("announcer.call")
        self.recall = recall or message("announcer.recall")
        for text in (self.call, self.recall):
            if "{number}" not in text or "{window}" not in text:
                raise ValueError(message("announcer.bad_wording", text=text))
        self.repeat = max(1, repeat)

    def text(self, a: Announcement) -> str:
        return (self.recall if a.kind == "recall" else self.call).format(number=a.number, window=a.window)


class Player:
    """Plays an announcement to the end before returning (the queue relies on it).

    ``command`` (e.g. ["aplay", "-q"]) plays through the sound device; ``out_dir`` also keeps
    every announcement as a WAV file. With no device, ``pace`` × the audio length is waited so
    that the queue keeps the hall's real rhythm (0 = as fast as possible, for batch rendering).
    """

    def __init__(self, out_dir: Path | None = None, command: list[str] | None = None, pace: float = 1.0) -> None:
        if out_dir is None and command is None:
            raise ValueError(message("announcer.no_output"))
        self.out_dir, self.command, self.pace = out_dir, command, pace
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)

    def play(self, pcm: Pcm, name: str) -> str | None:
        path = None
        if self.out_dir is not None:
            path = self.out_dir / f"{name}.wav"
            write_wav(path, pcm)
        if self.command is not None:
            with tempfile.TemporaryDirectory(prefix="yichuang-play-") as folder:
                source = path or Path(folder) / "a.wav"
                if path is None:
                    write_wav(source, pcm)
                done = subprocess.run([*self.command, str(source)], capture_output=True, text=True)
                if done.returncode != 0:
                    log.error(
                        message(
                            "announcer.playback_failed",
                            command=" ".join(self.command),
                            error=done.stderr.strip() or done.returncode,
                        )
                    )
        elif self.pace > 0:
            time.sleep(pcm.seconds * self.pace)
        return str(path) if path else None


def sound_command() -> list[str] | None:
    """The local sound player, if any: ALSA's aplay, else PulseAudio's paplay."""
    if shutil.which("aplay"):
        return ["aplay", "-q"]
    if shutil.which("paplay"):
        return ["paplay"]
    return None


class AnnouncementLog:
    """JSON lines, one per announcement (spoken or skipped), flushed at once."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.entries: list[dict[str, Any]] = []
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.entries.append(entry)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Announcer:
    def __init__(
        self,
        voice: Voice,
        player: Player,
        log_: AnnouncementLog,
        clock: ServerClock,
        *,
        wording: Wording | None = None,
        stale_seconds: float = 60.0,
        windows: set[int] | None = None,
        gap_seconds: float = 0.6,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.voice, self.player, self.log, self.clock = voice, player, log_, clock
        self.wording = wording or Wording()
        self.stale_seconds = stale_seconds
        self.windows = windows
        self.gap_seconds = gap_seconds
        self.say = say or (lambda text: None)
        self._chime = chime()
        self._speech_cache: dict[str, Pcm] = {}
        self._queue: queue.Queue[Announcement | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    # --- input ------------------------------------------------------------------------------
    def handle(self, event: ServerEvent) -> Announcement | None:
        kind = CALL_EVENTS.get(event.type)
        ticket = event.data.get("ticket") or {}
        window = event.data.get("window") or ticket.get("window_number")
        if kind is None or not ticket.get("number") or window is None:
            return None
        if self.windows and window not in self.windows:
            return None
        a = Announcement(event.id, kind, ticket["number"], int(window), event.at, event.received)
        self._queue.put(a)
        return a

    # --- the one worker ---------------------------------------------------------------------
    def start(self) -> Announcer:
        self._thread = threading.Thread(target=self._work, name="announcer", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """Finish what is queued, then stop."""
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def pending(self) -> int:
        return self._queue.qsize()

    def _work(self) -> None:
        while True:
            a = self._queue.get()
            if a is None:
                return
            try:
                self._announce(a)
            except Exception as exc:
                log.exception("announcement %s failed", a)
                self.log.write({**self._entry(a), "status": "failed", "error": str(exc)})

    def _entry(self, a: Announcement) -> dict[str, Any]:
        return {
            "event_id": a.event_id,
            "kind": a.kind,
            "number": a.number,
            "window": a.window,
            "event_at": a.at.isoformat() if a.at else None,
            "received": a.received,
        }

    def age(self, a: Announcement) -> float:
        return (self.clock.now() - a.at).total_seconds() if a.at else 0.0

    def _announce(self, a: Announcement) -> None:
        age = self.age(a)
        if age > self.stale_seconds:
            self.log.write({**self._entry(a), "status": "stale", "age": round(age, 3)})
            self.say(
                message(
                    "announcer.stale", number=a.number, window=a.window, age=int(age), limit=int(self.stale_seconds)
                )
            )
            return
        text = self.wording.text(a)
        if text not in self._speech_cache:
            if len(self._speech_cache) > 64:  # numbers change all day: keep the cache small
                self._speech_cache.clear()
            self._speech_cache[text] = self.voice.speak(text)
        speech = self._speech_cache[text]
        pcm = self._chime + silence(0.3)
        for _ in range(self.wording.repeat):
            pcm = pcm + speech + silence(self.gap_seconds)
        name = f"{a.event_id or 0:08d}-{a.number}-w{a.window}-{a.kind}"
        start = time.time()
        path = self.player.play(pcm, name)
        end = time.time()
        self.log.write(
            {
                **self._entry(a),
                "status": "spoken",
                "text": text,
                "repeat": self.wording.repeat,
                "start": start,
                "end": end,
                "seconds": round(pcm.seconds, 3),
                "file": path,
            }
        )
        self.say(message("announcer.spoken", number=a.number, window=a.window, kind=a.kind))
