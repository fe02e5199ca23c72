"""[evaluation] (好差评 settings) is read once with the hall file and its mistakes are reported like
every other key's: the file, the key, what a valid value looks like."""

import pytest

from hall_server.core.errors import ConfigError
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text


def test_the_halls_own_evaluation_settings_are_read_with_the_hall_file():
    text = pilot_hall_text() + '\n[evaluation]\nrate_within_seconds = 300\nbad_reasons = ["排队太久"]\n'
    rules = parse_hall_config(text).evaluation
    assert (rules.rate_within_seconds, rules.bad_reasons, rules.link_valid_days) == (300, ("排队太久",), 7)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("rate_within_seconds = 5", "evaluation.rate_within_seconds"),
        ("link_valid_days = 0", "evaluation.link_valid_days"),
        ("bad_reasons = [1, 2]", "evaluation.bad_reasons"),
        ("bad_reasons = []", "evaluation.bad_reasons"),
    ],
)
def test_a_bad_evaluation_setting_stops_start_up_naming_the_key(table, key):
    with pytest.raises(ConfigError) as failure:
        parse_hall_config(pilot_hall_text() + f"\n[evaluation]\n{table}\n", "hall.toml")
    assert key in str(failure.value) and "hall.toml" in str(failure.value)
