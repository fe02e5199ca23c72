"""`--help` of every `yichuang` command and subcommand runs and speaks Chinese.

The commands are found by walking the real argparse tree, so a command a package registers
later is checked without touching this file.
"""

from __future__ import annotations

import argparse
import re

import pytest

from yichuang.cli import build_parser, main

CJK = re.compile(r"[\u4e00-\u9fff]")
ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help message")


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _commands(child, (*path, name))


COMMANDS = dict(_commands(build_parser()))


def test_the_command_tree_is_found():
    # The walk itself must reach the nested commands, or the test below would check nothing.
    assert {("serve",), ("token", "create"), ("simulate",), ("print-preview",), ("keypad-bridge",)} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "yichuang")
def test_help_of_every_command_exits_0_in_chinese(path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*path, "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert CJK.search(out), out
    assert not [phrase for phrase in ARGPARSE_ENGLISH if phrase in out], out
    undocumented = [
        action.option_strings or action.dest
        for action in COMMANDS[path]._actions
        if action.help is not argparse.SUPPRESS and not CJK.search(action.help or "")
    ]
    assert undocumented == []


def test_a_wrong_option_is_refused_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["token", "create", "--role", "mayor"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "参数 --role 的值 'mayor' 不可用" in err and "用法：" in err
