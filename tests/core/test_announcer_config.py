"""[announcer] in the hall file: defaults, a hall without a voice, and a clear error for a bad reading of 1."""

import pytest

from hall_server.core.errors import ConfigError
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text


def with_announcer(lines: str):
    text = pilot_hall_text()
    start = text.index("\n[announcer]\n") + 1
    end = text.index("\n[appointments]\n") + 1
    return parse_hall_config(text[:start] + "[announcer]\n" + lines + "\n\n" + text[end:], "test.toml")


def test_the_pilot_hall_has_a_voice_reading_1_as_yao_and_a_20_second_wait():
    rules = with_announcer("")
    assert (rules.announcer.present, rules.announcer.one, rules.announcer.no_show_wait_seconds) == (True, "幺", 20)


def test_a_hall_may_read_1_as_yi_and_have_no_announcer():
    rules = with_announcer('one = "一"\npresent = false\nno_show_wait_seconds = 45')
    assert (rules.announcer.present, rules.announcer.one, rules.announcer.no_show_wait_seconds) == (False, "一", 45)


def test_a_bad_reading_of_1_names_the_key_and_the_choices():
    with pytest.raises(ConfigError) as e:
        with_announcer('one = "1"')
    assert "announcer.one" in str(e.value) and "幺" in str(e.value) and "一" in str(e.value)
