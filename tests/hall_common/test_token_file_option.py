"""`--token-file FILE` of the device commands: the token comes from the file (a systemd unit's
command line is visible to every account), and a file that is not one token is refused in Chinese."""

from __future__ import annotations

import pytest

from yichuang.cli import build_parser, main

DEVICE_COMMANDS = (
    ["announcer", "--server", "http://127.0.0.1:8080"],
    ["ledbar", "--server", "http://127.0.0.1:8080", "--port", "/dev/null", "--map", "1=1"],
    ["keypad-bridge", "--server", "http://127.0.0.1:8080", "--port", "/dev/null", "--map", "1=1"],
    ["kiosk", "--server", "http://127.0.0.1:8080"],
)


@pytest.mark.parametrize("command", DEVICE_COMMANDS, ids=lambda c: c[0])
def test_a_device_reads_its_token_from_the_file(command, tmp_path):
    path = tmp_path / "device.token"
    path.write_text("tok-from-file\n")
    assert build_parser().parse_args([*command, "--token-file", str(path)]).token == "tok-from-file"


def test_a_token_file_with_two_words_is_refused_in_chinese(tmp_path, capsys):
    path = tmp_path / "device.token"
    path.write_text("one two\n")
    with pytest.raises(SystemExit) as exit_:
        main([*DEVICE_COMMANDS[0], "--token-file", str(path)])
    assert exit_.value.code == 2
    assert f"令牌文件 {path} 里应当只有一个令牌" in capsys.readouterr().err


def test_a_missing_token_file_is_refused_in_chinese(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([*DEVICE_COMMANDS[0], "--token-file", str(tmp_path / "nope")])
    assert "读不到令牌文件" in capsys.readouterr().err


def test_a_bridge_without_any_token_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(DEVICE_COMMANDS[1])
    assert exit_.value.code == 2
    assert "必须给出其中一个参数：--token --token-file" in capsys.readouterr().err
