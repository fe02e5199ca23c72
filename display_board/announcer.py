"""The hall's voice: each call spoken twice in Mandarin after a chime, and a busy moment kept up with.

Events come in (from ``EventStream``); ``ticket.called`` / ``ticket.recalled`` become
announcements on ONE queue worked by ONE thread, so two windows calling in the same second
are heard one after the other, never over each other. Sound goes out one sentence at a time,
and before each sentence the worker looks at what waits (docs/voice.md):

- a chime only at the start of a burst (1 s of "ding-dong" before each call was 1 s more wait
  for every call behind it);
- a number never said goes before a repeat of one already said, a recall before a new call:
  with three windows calling in one second each number is heard once, then each again;
- while another number waits, the short wording (no 办理) is used.

A lone call still sounds as before: chime, the full sentence, the full sentence again. With one
sentence ~3 s, the third of three simultaneous calls is first heard ~7 s after the click instead of
~28 s (bench/bench_announcer.py).

A call that is already older than ``stale_seconds`` when it comes in (e.g. replayed after a
network drop) is logged and skipped: residents would go to a window that has long moved on.

Every announcement is written to a JSON-lines log (event id, number, window, where on the audio
timeline it arrived and was first heard, each sentence's place on that timeline, the WAV files):
that is how tests and supervisors see order, delay and the absence of overlap. Once an
announcement has been said in full, ``report`` is told (the server counts heard calls for 过号).
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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from hall_common.i18n import message
from hall_common.sse_client import ServerClock, ServerEvent

from .audio import Pcm, chime, silence, write_wav

log = logging.getLogger(__name__)
CALL_EVENTS = {"ticket.called": "call", "ticket.recalled": "recall"}
CHIME_PAUSE = 0.2  # between the chime and the first word


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

    def __init__(
        self,
        call: str | None = None,
        recall: str | None = None,
        repeat: int = 2,
        call_short: str | None = None,
        recall_short: str | None = None,
    ) -> None:
        self.call = call or message("announcer.call")
        self.recall = recall or message("announcer.recall")
        # A hall that words its call itself gets its own words in a burst too, unless it words that.
        self.call_short = call_short or (message("announcer.call_short") if call is None else self.call)
        self.recall_short = recall_short or (message("announcer.recall_short") if recall is None else self.recall)
        for text in (self.call, self.recall, self.call_short, self.recall_short):
            if "{number}" not in text or "{window}" not in text:
                raise ValueError(message("announcer.bad_wording", text=text))
        self.repeat = max(1, repeat)

    def text(self, a: Announcement, short: bool = False) -> str:
        if a.kind == "recall":
            wording = self.recall_short if short else self.recall
        else:
            wording = self.call_short if short else self.call
        return wording.format(number=a.number, window=a.window)


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
        # The audio timeline: seconds of sound sent out so far, and where the sentence now
        # playing began. Silence between bursts is not on it, so a delay read from it is the
        # sound a resident had to sit through, whatever the machine's speed.
        self.position = 0.0
        self._playing_from: float | None = None
        self._lock = threading.Lock()

    def cursor(self) -> float:
        """Where on the timeline something arriving now stands: the start of the sentence being
        played (counting it whole, a delay is never under-stated), or the end when silent."""
        with self._lock:
            return self.position if self._playing_from is None else self._playing_from

    def play(self, pcm: Pcm, name: str) -> str | None:
        with self._lock:
            self._playing_from = self.position
        try:
            return self._play(pcm, name)
        finally:
            with self._lock:
                self.position += pcm.seconds
                self._playing_from = None

    def _play(self, pcm: Pcm, name: str) -> str | None:
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


@dataclass
class _Pending:
    """An announcement on its way out: how often said, where on the timeline."""

    a: Announcement
    arrived: float  # timeline position when it came in (Player.cursor)
    said: int = 0
    first_sound: float | None = None
    texts: list[str] = field(default_factory=list)
    segments: list[list[float]] = field(default_factory=list)  # [start, end] of each sentence
    files: list[str | None] = field(default_factory=list)
    wall_start: float | None = None
    wall_end: float | None = None
    chime_file: str | None = None  # the burst's chime, on the first announcement of a burst


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
        burst_gap_seconds: float = 0.3,
        say: Callable[[str], None] | None = None,
        report: Callable[[Announcement], None] | None = None,
    ) -> None:
        self.voice, self.player, self.log, self.clock = voice, player, log_, clock
        self.wording = wording or Wording()
        self.stale_seconds = stale_seconds
        self.windows = windows
        # After a sentence: the lone call's calm pause, or a shorter one while others wait.
        self.gap_seconds, self.burst_gap_seconds = gap_seconds, burst_gap_seconds
        self.say = say or (lambda text: None)
        self.report = report
        self._chime = chime() + silence(CHIME_PAUSE)
        self._speech_cache: dict[str, Pcm] = {}
        self._queue: queue.Queue[tuple[Announcement, float] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopping = False

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
        self._queue.put((a, self.player.cursor()))
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
        while not self._stopping:
            item = self._queue.get()
            if item is None:
                return
            work: list[_Pending] = []
            self._admit(work, item)
            try:
                self._burst(work)
            except Exception as exc:
                log.exception("announcements %s failed", [p.a for p in work])
                for p in work:
                    self.log.write({**self._entry(p.a), "status": "failed", "error": str(exc)})

    def _admit(self, work: list[_Pending], item: tuple[Announcement, float]) -> None:
        a, arrived = item
        age = self.age(a)
        if age > self.stale_seconds:
            self.log.write({**self._entry(a), "status": "stale", "age": round(age, 3)})
            self.say(
                message(
                    "announcer.stale", number=a.number, window=a.window, age=int(age), limit=int(self.stale_seconds)
                )
            )
            return
        same = next((p for p in work if (p.a.number, p.a.window) == (a.number, a.window)), None)
        if same is not None:
            if a.kind == "call":
                return  # the same call twice (a replayed event): said once
            # A recall replaces what is left of the earlier call: "再次呼叫" is what the clerk wants
            # heard now. A call not yet said at all gives the recall its place in the line.
            work.remove(same)
            if same.said:
                self._done(same)
            else:
                arrived = same.arrived
        work.append(_Pending(a, arrived))

    def _drain(self, work: list[_Pending]) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self._stopping = True  # finish what is in hand, then stop
                return
            self._admit(work, item)

    def _next(self, work: list[_Pending]) -> _Pending | None:
        """A recall never said, then a call never said (in arrival order), then repeats, fewest first."""
        unsaid = [p for p in work if p.said == 0]
        if unsaid:
            return next((p for p in unsaid if p.a.kind == "recall"), unsaid[0])
        open_ = [p for p in work if p.said < self.wording.repeat]
        return min(open_, key=lambda p: p.said) if open_ else None

    def _speech(self, text: str) -> Pcm:
        if text not in self._speech_cache:
            if len(self._speech_cache) > 64:  # numbers change all day: keep the cache small
                self._speech_cache.clear()
            self._speech_cache[text] = self.voice.speak(text)
        return self._speech_cache[text]

    def _burst(self, work: list[_Pending]) -> None:
        chime_file, chimed = None, False
        while True:
            self._drain(work)
            if work and not chimed:
                # The chime goes out alone: calls made in the same second arrive while it sounds,
                # and the first sentence already knows whether others wait (short form) or not.
                chime_file, chimed = self.player.play(self._chime, f"{work[0].a.event_id or 0:08d}-chime"), True
                self._drain(work)
            p = self._next(work)
            if p is None:
                return
            if chime_file is not None:
                p.chime_file, chime_file = chime_file, None
            others = any(q is not p and q.said < self.wording.repeat for q in work)
            text = self.wording.text(p.a, short=others)
            pcm = self._speech(text) + silence(self.burst_gap_seconds if others else self.gap_seconds)
            name = f"{p.a.event_id or 0:08d}-{p.a.number}-w{p.a.window}-{p.a.kind}-{p.said + 1}"
            begin, wall = self.player.position, time.time()
            path = self.player.play(pcm, name)
            p.said += 1
            p.texts.append(text)
            p.files.append(path)
            p.segments.append([round(begin, 3), round(begin + pcm.seconds, 3)])
            if p.first_sound is None:
                p.first_sound, p.wall_start = begin, wall
            p.wall_end = time.time()
            if p.said >= self.wording.repeat:
                work.remove(p)
                self._done(p)

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

    def _done(self, p: _Pending) -> None:
        first = p.first_sound or 0.0
        self.log.write(
            {
                **self._entry(p.a),
                "status": "spoken",
                "text": p.texts[0],
                "texts": p.texts,
                "repeat": p.said,
                # Seconds on the audio timeline: arrival, first sound of its sentence, and the
                # delay between them (sound a resident sat through before hearing the number).
                "arrived_at": round(p.arrived, 3),
                "first_sound_at": round(first, 3),
                "heard_after": round(first - p.arrived, 3),
                "segments": p.segments,
                "start": p.wall_start,
                "end": p.wall_end,
                "file": p.files[0],
                "files": p.files,
                "chime": p.chime_file,
            }
        )
        self.say(message("announcer.spoken", number=p.a.number, window=p.a.window, kind=p.a.kind))
        if self.report is not None:
            self.report(p.a)
