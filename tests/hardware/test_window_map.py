"""One `--map` form for the three serial bridges: WINDOW=ADDRESS, and every other form refused
with the expected one named (the old `a:b` forms meant opposite things in different bridges)."""

from __future__ import annotations

import pytest

from hardware.serial_devices.window_map import parse_window_map
from window_terminal.cli import _mapping
from yichuang.cli import main

COMMANDS = {
    "ledbar": ["ledbar", "--server", "http://127.0.0.1:9", "--token", "t", "--port", "loop://"],
    "keypad-bridge": ["keypad-bridge", "--server", "http://127.0.0.1:9", "--token", "t", "--port", "loop://"],
    "pad-bridge": ["pad-bridge", "--server", "http://127.0.0.1:9", "--token", "t", "--port", "loop://"],
}


def _refusal(command: str, value: str, capsys) -> str:
    """What the command says about --map VALUE (it must stop with exit code 2 before opening anything)."""
    try:
        code = main([*COMMANDS[command], "--map", value])
    except SystemExit as exc:
        code, text = 2 if isinstance(exc.code, str) else exc.code, str(exc.code)
    else:
        text = capsys.readouterr().err
    assert code == 2
    return text


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_bridge_refuses_the_old_colon_map_and_names_the_window_first_form(command, capsys):
    text = _refusal(command, "1:2", capsys)
    assert "旧的冒号写法" in text and "窗口号=设备地址" in text


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("value", ["1=", "=3", "0=3", "1=255", "a=b", "1=3,,"])
def test_every_bridge_refuses_a_malformed_map_with_the_expected_form(command, value, capsys):
    assert "应为 窗口号=设备地址" in _refusal(command, value, capsys)


def test_a_window_or_an_address_given_twice_is_refused():
    for value in (["1=11,1=12"], ["1=11", "2=11"]):
        with pytest.raises(ValueError, match="重复"):
            parse_window_map(value)


def test_maps_are_window_first_comma_separated_or_repeated_in_every_bridge():
    assert parse_window_map("1=11,2=12") == parse_window_map(["1=11", "2=12"]) == {1: 11, 2: 12}
    # The keypad bridge looks windows up by the address a key press comes from.
    assert _mapping(["1=11,2=12"]) == {11: 1, 12: 2}
