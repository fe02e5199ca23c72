"""`yichuang announcer` against a real hall server: real espeak-ng audio rendered to WAV files."""

from __future__ import annotations

import array
import json
import math
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from display_board.announcer import AnnouncementLog, Announcer, Player, Wording
from display_board.audio import Pcm, chime, read_wav, write_wav
from display_board.voices import ClipVoice, EspeakVoice
from hall_common.sse_client import ServerClock, ServerEvent
from hall_server.services.access import Principal
from tests.support.waiting import wait_until

YICHUANG = str(Path(sys.executable).with_name("yichuang"))


class AnnouncerProcess:
    def __init__(self, hall, out_dir: Path, *extra: str) -> None:
        self.out_dir = out_dir
        # --pace 0.1: with no sound card the queue waits a tenth of each announcement's length,
        # keeping the tests quick while start/end times still come from the real queue.
        self.process = subprocess.Popen(
            [
                YICHUANG,
                "announcer",
                "--server",
                hall.base_url,
                "--token",
                hall.tokens["board"],
                "--out-dir",
                str(out_dir),
                "--no-sound",
                "--pace",
                "0.1",
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_connected(self) -> None:
        seen = []
        for _ in range(5):  # first the hall's reading settings, then the connection
            seen.append(self.process.stdout.readline())
            if "已连接" in seen[-1]:
                return
        raise AssertionError(seen)

    def log(self) -> list[dict]:
        path = self.out_dir / "announcements.jsonl"
        if not path.exists():
            return []
        # Only whole lines: the announcer may be appending the next entry while this reads.
        whole = path.read_text("utf-8").rpartition("\n")[0]
        return [json.loads(line) for line in whole.splitlines() if line.strip()]

    def wait_for(self, count: int) -> list[dict]:
        return wait_until(
            lambda: (lambda entries: entries if len(entries) >= count else None)(self.log()),
            timeout=60,
            what=f"{count} announcements",
        )

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        return out


@pytest.fixture
def announcer(tmp_path):
    started = []

    def start(hall, *extra: str, connected: bool = True) -> AnnouncerProcess:
        a = AnnouncerProcess(hall, tmp_path / f"out{len(started)}", *extra)
        started.append(a)
        if connected:
            a.wait_connected()
        return a

    yield start
    for a in started:
        a.stop()


def clerk(hall, window: int) -> Principal:
    return Principal(hall.hall_id, "clerk", "test", window)


def take_tickets(hall, count: int) -> None:
    kiosk = hall.client("kiosk")
    for _ in range(count):
        kiosk.post("/tickets", json={}).raise_for_status()


def test_a_call_is_spoken_twice_after_a_chime_into_a_wav_file(live_hall, announcer):
    a = announcer(live_hall)
    take_tickets(live_hall, 1)
    live_hall.client("clerk-3").post("/windows/3/call-next").raise_for_status()
    [entry] = a.wait_for(1)
    assert entry["status"] == "spoken" and entry["texts"] == ["请A001号到3号窗口办理"] * 2 and entry["repeat"] == 2
    ding = read_wav(Path(entry["chime"]))
    assert ding.samples[: len(chime().samples)] == chime().samples  # the chime comes first
    first, again = (read_wav(Path(f)) for f in entry["files"])
    assert first.rms() > 300  # real sound after the chime
    assert first.samples == again.samples  # said twice, sample for sample
    assert 2.5 < first.seconds < 6, first.seconds  # a whole sentence, not a blip
    assert entry["segments"][0][0] == round(ding.seconds, 3)  # right after the chime on the timeline


def calls_in_one_second(hall, windows: tuple[int, ...]) -> None:
    """Several windows press 呼叫 at once (the fake clock stands still: the same second)."""
    for n in windows:
        hall.client(f"clerk-{n}").post(f"/windows/{n}/call-next").raise_for_status()


def assert_no_overlap(entries: list[dict]) -> None:
    segments = sorted(s for e in entries for s in e["segments"])
    for before, after in zip(segments, segments[1:], strict=False):
        assert after[0] >= before[1], (before, after)


def test_three_windows_calling_in_one_second_are_each_heard_within_8_seconds(live_hall, announcer):
    a = announcer(live_hall)
    take_tickets(live_hall, 3)
    calls_in_one_second(live_hall, (1, 2, 3))
    entries = a.wait_for(3)
    by_number = {e["number"]: e for e in entries}
    assert sorted(by_number) == ["A001", "A002", "A003"]
    assert [by_number[n]["window"] for n in ("A001", "A002", "A003")] == [1, 2, 3]
    # Heard in call order, each within 8 s of sound after its click (on the audio timeline).
    firsts = [by_number[n]["first_sound_at"] for n in ("A001", "A002", "A003")]
    assert firsts == sorted(firsts)
    assert max(e["heard_after"] for e in entries) <= 8.0, [(e["number"], e["heard_after"]) for e in entries]
    # Still said twice each, never over each other, one chime for the burst.
    assert all(e["repeat"] == 2 for e in entries)
    assert_no_overlap(entries)
    assert [bool(e["chime"]) for e in entries] == [True, False, False]
    # While the others waited, each number was said without 办理 (the short form).
    assert by_number["A001"]["texts"][0] == "A001号到1号窗口"


def test_a_recall_in_a_busy_moment_is_heard_before_new_calls(tmp_path):
    # The order is decided inside the announcer, so it is tested there: two new calls are waiting
    # (not yet said) when window 3 recalls A001. Queued before the worker starts, the three are
    # in hand at once whatever the machine's load (over a live stream the recall might only come
    # in after a new call had begun, and then it rightly waits for that sentence to end).
    out = tmp_path / "out"
    log = AnnouncementLog(out / "log.jsonl")
    ann = Announcer(EspeakVoice(), Player(out, pace=0), log, ServerClock())
    ann.handle(ServerEvent(2, "ticket.called", {"window": 1, "ticket": {"number": "A002"}}))
    ann.handle(ServerEvent(3, "ticket.called", {"window": 2, "ticket": {"number": "A003"}}))
    ann.handle(ServerEvent(4, "ticket.recalled", {"window": 3, "ticket": {"number": "A001"}}))
    ann.start().stop()
    by_number = {e["number"]: e for e in log.entries}
    recall = by_number["A001"]
    assert recall["kind"] == "recall" and recall["texts"][0].startswith("再次呼叫")
    assert recall["first_sound_at"] < by_number["A002"]["first_sound_at"] < by_number["A003"]["first_sound_at"]
    assert recall["segments"][0][0] == min(s[0] for e in log.entries for s in e["segments"])  # right after the chime
    assert_no_overlap(list(log.entries))


def test_a_recall_among_new_calls_on_a_live_hall_is_said_as_a_recall_and_in_time(live_hall, announcer):
    a = announcer(live_hall)
    take_tickets(live_hall, 3)
    calls_in_one_second(live_hall, (3,))
    a.wait_for(1)  # A001 at window 3, said in full
    calls_in_one_second(live_hall, (1, 2))
    live_hall.client("clerk-3").post("/windows/3/recall").raise_for_status()
    entries = a.wait_for(4)[1:]
    by_number = {e["number"]: e for e in entries}
    assert by_number["A001"]["kind"] == "recall" and by_number["A001"]["texts"][0].startswith("再次呼叫")
    # On the audio timeline: "再次呼叫" costs ~1.1 s, so the last of the three is heard within 9 s.
    assert max(e["heard_after"] for e in entries) <= 9.0, [(e["number"], e["heard_after"]) for e in entries]
    assert_no_overlap(entries)


def test_a_recall_says_it_is_a_second_call(live_hall, announcer):
    a = announcer(live_hall)
    take_tickets(live_hall, 1)
    c = live_hall.client("clerk-2")
    c.post("/windows/2/call-next").raise_for_status()
    a.wait_for(1)
    c.post("/windows/2/recall").raise_for_status()
    first, second = a.wait_for(2)
    assert first["kind"] == "call" and second["kind"] == "recall"
    assert second["text"] == "再次呼叫，请A001号到2号窗口办理"
    assert read_wav(Path(second["files"][1])).seconds > read_wav(Path(first["files"][1])).seconds


def test_a_call_older_than_the_stale_limit_is_not_spoken(live_hall, announcer):
    take_tickets(live_hall, 2)
    live_hall.server.windows.call_next(clerk(live_hall, 1), 1)  # at 10:00
    live_hall.clock.advance(minutes=5)
    live_hall.server.windows.call_next(clerk(live_hall, 2), 2)  # at 10:05
    # The announcer starts at 10:05 and catches up from the beginning.
    a = announcer(live_hall, "--last-event-id", "0", "--stale-seconds", "60")
    stale, fresh = a.wait_for(2)
    assert (stale["number"], stale["status"]) == ("A001", "stale") and stale["age"] >= 299
    assert (fresh["number"], fresh["status"]) == ("A002", "spoken")
    spoken = sorted(p.name for p in a.out_dir.glob("*.wav"))
    assert spoken == sorted(Path(f).name for f in [fresh["chime"], *fresh["files"]]) and "A001" not in str(spoken)


def test_announcer_reconnects_and_speaks_calls_made_during_a_network_drop(restartable_hall, announcer):
    hall, http = restartable_hall
    a = announcer(hall)
    take_tickets(hall, 2)
    hall.client("clerk-1").post("/windows/1/call-next").raise_for_status()
    a.wait_for(1)
    http.cut()
    hall.server.windows.call_next(clerk(hall, 2), 2)
    http.restore()
    entries = a.wait_for(2)
    assert [(e["number"], e["window"], e["status"]) for e in entries] == [("A001", 1, "spoken"), ("A002", 2, "spoken")]


def test_an_announcer_with_a_wrong_token_says_so(live_hall, tmp_path):
    done = subprocess.run(
        [
            YICHUANG,
            "announcer",
            "--server",
            live_hall.base_url,
            "--token",
            "nope",
            "--out-dir",
            str(tmp_path),
            "--no-sound",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "令牌" in done.stderr


def _tone(path: Path, freq: float, seconds: float, rate: int = 16000) -> None:
    samples = array.array(
        "h", (int(8000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(int(seconds * rate)))
    )
    write_wav(path, Pcm(rate, samples))


def test_recorded_clips_are_used_when_the_hall_supplies_them(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    for i, name in enumerate(["请", "A", "0", "1", "号到", "号窗口办理", "3"]):
        _tone(clips / f"{name}.wav", 300 + 50 * i, 0.2)
    out = tmp_path / "out"
    log = AnnouncementLog(out / "log.jsonl")
    ann = Announcer(ClipVoice(clips), Player(out, pace=0), log, ServerClock(), wording=Wording(repeat=1)).start()
    ann.handle(ServerEvent(7, "ticket.called", {"window": 3, "ticket": {"number": "A001"}}))
    ann.stop()
    [entry] = log.entries
    audio = read_wav(Path(entry["file"]))
    # 8 clips of 0.2 s (请 A 0 0 1 号到 3 号窗口办理) + 0.6 s gap
    assert abs(audio.seconds - (8 * 0.2 + 0.6)) < 0.02, audio.seconds


def test_each_call_the_announcer_has_said_is_reported_and_unlocks_no_show(live_hall, announcer):
    a = announcer(live_hall)
    take_tickets(live_hall, 1)
    clerk = live_hall.client("clerk-1")
    clerk.post("/windows/1/call-next").raise_for_status()
    a.wait_for(1)
    clerk.post("/windows/1/recall").raise_for_status()
    a.wait_for(2)
    gate = wait_until(
        lambda: (lambda g: g if g["heard"] == 2 else None)(clerk.get("/windows/1/desk").json()["no_show"]),
        timeout=30,
        what="both calls reported as heard",
    )
    assert gate["reason"] == "wait" and not gate["allowed"]
    live_hall.clock.advance(seconds=gate_wait_seconds(live_hall))
    assert clerk.post("/windows/1/no-show").json()["ticket"]["state"] == "no_show"


def gate_wait_seconds(hall) -> int:
    return hall.server.services.halls.get(hall.hall_id).config.announcer.no_show_wait_seconds
