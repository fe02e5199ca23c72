"""The hall's [evaluation] table (好差评 settings) is read like every other key: defaults when absent,
and a wrong value is refused with a message naming the key and what it should be."""

from __future__ import annotations

import pytest

from hall_server.core.errors import ConfigError
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text


def _with(table: str):
    base = pilot_hall_text().split("\n# 好差评")[0]
    return parse_hall_config(base + "\n[evaluation]\n" + table)


def test_a_hall_without_evaluation_settings_gets_the_national_defaults():
    rules = parse_hall_config(pilot_hall_text().split("\n# 好差评")[0]).evaluation
    assert (rules.follow_up_levels, rules.good_levels, rules.unrated_after_days, rules.default_level) == (
        (2, 1), (5, 4, 3), 7, None,
    )  # fmt: skip
    assert (rules.rectify_min_days, rules.rectify_max_days, rules.callback_working_days) == (5, 15, 1)


def test_a_hall_may_follow_up_basic_satisfaction_and_default_unrated_services():
    rules = _with("follow_up_levels = [3, 2, 1]\ndefault_level = 4\ngood_levels = [5, 4]").evaluation
    assert (rules.follow_up_levels, rules.default_level, rules.good_levels) == ((3, 2, 1), 4, (5, 4))


def test_the_halls_own_pad_settings_are_read_with_the_hall_file():
    rules = _with('rate_within_seconds = 300\nbad_reasons = ["排队太久"]').evaluation
    assert (rules.rate_within_seconds, rules.bad_reasons, rules.link_valid_days) == (300, ("排队太久",), 7)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("follow_up_levels = [5]", "evaluation.follow_up_levels"),
        ("rectify_min_days = 10\nrectify_max_days = 5", "evaluation.rectify_max_days"),
        ("default_level = 9", "evaluation.default_level"),
        ("unrated_after_days = 0", "evaluation.unrated_after_days"),
        ("good_levels = []", "evaluation.good_levels"),
        ("rate_within_seconds = 5", "evaluation.rate_within_seconds"),
        ("link_valid_days = 0", "evaluation.link_valid_days"),
        ("bad_reasons = [1, 2]", "evaluation.bad_reasons"),
        ("bad_reasons = []", "evaluation.bad_reasons"),
    ],
)
def test_a_wrong_evaluation_setting_is_refused_naming_the_key(table, key):
    with pytest.raises(ConfigError) as err:
        _with(table)
    assert key in str(err.value)
