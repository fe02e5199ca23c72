"""What the announcer really says: espeak-ng's phonemes and the rendered sound, not just the text.

Debian's espeak-ng with its default ``cmn`` voice reads 请/号/窗口 as pinyin spelled with English
letters ("hao four"); these tests listen the only way a machine can here: the phoneme mnemonics
espeak-ng plays (``-x``), and the length of the WAV file measured with sox.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from display_board.audio import write_wav
from display_board.mandarin import words
from display_board.voices import EspeakVoice, trim_silence
from hall_server.core.hall_config import pilot_hall_config

CALL = "请A001号到3号窗口办理"
# A Mandarin syllable in espeak-ng's mnemonics ends in its tone contour (55, 35, 214, 21, 51, 53,
# 11, 33…); English words carry stress marks and no tone digits, and come tagged "(en)".
TONE = re.compile(r"\d{2,3}")


def spoken_words(voice: EspeakVoice, text: str) -> list[str]:
    phonemes = voice.phonemes(text)
    assert "(en)" not in phonemes, phonemes  # no switch to English letter rules anywhere
    return [w for w in re.split(r"_\|\s*|\s+", phonemes) if w and w != "_"]


def test_every_character_of_the_call_is_a_mandarin_syllable():
    voice = EspeakVoice()
    said = spoken_words(voice, CALL)
    expected = words(CALL)
    assert ["".join(w) for w in expected] == [
        "qing3",
        "ei1ling2ling2yao1",
        "hao4",
        "dao4",
        "san1",
        "hao4",
        "chuang1",
        "kou3",
        "ban4",
        "li3",
    ]
    # One espeak word per word, each with one tone per syllable: 13 syllables for 请 A 零零幺 号 到 三 号 窗 口 办 理.
    assert len(said) == len(expected), said
    assert [len(TONE.findall(w)) for w in said] == [len(w) for w in expected], said
    # and no English letter names or Latin spelling: 号 is χ'Au51 ("hao" falling), not "heI@fo@".
    assert said[2].startswith("X") and said[2].endswith("51"), said


def test_the_old_default_voice_spelled_the_call_in_english():
    """Why the voice changed: the same sentence through the ``cmn`` voice switches to English."""
    old = subprocess.run(["espeak-ng", "-v", "cmn", "-q", "-x", CALL], capture_output=True, text=True).stdout
    assert "(en)" in old


def test_the_recall_and_a_two_digit_window_are_mandarin_too():
    voice = EspeakVoice()
    text = "再次呼叫，请F012号到12号窗口办理"
    said = spoken_words(voice, text)
    expected = [w for w in words(text) if w]
    assert len(said) == len(expected), said
    assert [len(TONE.findall(w)) for w in said] == [len(w) for w in expected], said
    assert ["".join(w) for w in expected][5:7] == ["ai2fu5ling2yao1er4", "hao4"]
    assert "shi2er4" in ["".join(w) for w in expected]  # window 12 as 十二, not 一二


@pytest.mark.parametrize("one,reading", [("幺", "yao1"), ("一", "yi1")])
def test_the_hall_chooses_how_1_is_read_in_ticket_numbers(one, reading):
    voice = EspeakVoice(one=one)
    assert voice.espeak_input("请A101号到1号窗口办理").split()[1] == f"ei1{reading}ling2{reading}"
    # The window number is an amount whatever the choice: 1号窗口 is 一号.
    assert voice.espeak_input("请A101号到1号窗口办理").split()[4] == "yi1"


def test_the_default_hall_reads_1_as_yao():
    assert pilot_hall_config().announcer.one == "幺"


def test_every_ticket_prefix_letter_is_said_as_halls_say_it():
    voice = EspeakVoice()
    rules = pilot_hall_config().tickets
    for prefix in (rules.default_prefix, rules.priority_prefix, rules.appointment_prefix, rules.return_prefix):
        said = spoken_words(voice, f"{prefix}001")
        assert len(said) == 1 and len(TONE.findall(said[0])) >= 4, (prefix, said)


def test_the_rendered_call_lasts_as_long_as_a_spoken_sentence(tmp_path: Path):
    speech = EspeakVoice().speak(CALL)
    path = tmp_path / "call.wav"
    write_wav(path, speech)
    seconds = float(subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True).stdout)
    # 13 syllables at ~3.7 a second (160 wpm): a clear sentence, not a blip, not a drawl.
    assert 2.8 < seconds < 4.5, seconds
    assert trim_silence(speech).seconds == pytest.approx(speech.seconds, abs=0.01)  # no dead air left
