"""The command line in the user's language: every `yichuang` parser speaks Chinese through the catalog.

argparse writes its own headings ("usage:", "options:", "show this help message and exit") and
errors in English, and %-formats every help text (a bare "%" in a catalog text, like "85%", makes
``--help`` crash). :class:`CliParser` puts the catalog's headings and errors in their place; its
subparsers are CliParsers too (argparse makes them of the parent's class), so a command a package
registers is covered without doing anything. Help texts go through :func:`help_text`.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
import unicodedata
from pathlib import Path
from typing import Any, NoReturn

from hall_common.i18n import message


def help_text(key: str, **params: Any) -> str:
    """A catalog text for argparse's help= (which %-formats it): a literal % stays a %."""
    return message(key, **params).replace("%", "%%")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines no wider than ``width`` terminal columns: a Chinese character takes two."""
    if _width(text) <= width:
        return [text]
    lines: list[str] = []
    for piece in textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False):
        line = ""
        for c in piece:
            if _width(line + c) > width:
                lines.append(line)
                line = ""
            line += c
        lines.append(line)
    return lines or [text]


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, message("cli_help.usage") if prefix is None else prefix)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrap(self._whitespace_matcher.sub(" ", text).strip(), width)


# argparse's own error texts (Python 3.11); one it writes otherwise is shown as it is.
_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "cli_help.error_required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "cli_help.error_unrecognized"),
    (re.compile(r"one of the arguments (?P<names>.+) is required"), "cli_help.error_one_of"),
    (
        re.compile(r"argument (?P<name>\S+): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)"),
        "cli_help.error_choice",
    ),
    (re.compile(r"argument (?P<name>\S+): invalid (?P<kind>\w+) value: (?P<value>.+)"), "cli_help.error_value"),
    (re.compile(r"argument (?P<name>\S+): expected (one|at least one) argument"), "cli_help.error_needs_value"),
    (re.compile(r"argument (?P<name>\S+): not allowed with argument (?P<other>\S+)"), "cli_help.error_exclusive"),
    (re.compile(r"ambiguous option: (?P<name>\S+) could match (?P<names>.+)"), "cli_help.error_ambiguous"),
)


def translate_error(text: str) -> str:
    for pattern, key in _ERRORS:
        found = pattern.fullmatch(text)
        if found:
            return message(key, **{k: v for k, v in found.groupdict().items() if v is not None})
    return text


class CliParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False  # ours, with the catalog's text, is added below
        super().__init__(*args, **kwargs)
        self._positionals.title = message("cli_help.positionals")
        self._optionals.title = message("cli_help.options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=help_text("cli_help.help"))

    def add_subparsers(self, **kwargs: Any):  # type: ignore[no-untyped-def]
        kwargs.setdefault("title", message("cli_help.commands"))
        kwargs.setdefault("metavar", message("cli_help.command_metavar"))
        kwargs.setdefault("help", help_text("cli_help.command_help", prog=self.prog))
        return super().add_subparsers(**kwargs)

    def error(self, message_text: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, message("cli_help.error", prog=self.prog, message=translate_error(message_text)) + "\n")


class _TokenFromFile(argparse.Action):
    """``--token-file FILE``: the token read from a file, so it never shows in the process list
    (what a systemd unit runs is visible to every account of the PC)."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
        try:
            words = Path(str(values)).read_text("utf-8").split()
        except OSError as exc:
            parser.error(message("cli.token_file_unreadable", path=values, reason=exc.strerror or str(exc)))
        if len(words) != 1:
            parser.error(message("cli.token_file_bad", path=values))
        setattr(namespace, self.dest, words[0])


def add_token_options(parser: argparse.ArgumentParser, token_help: str, required: bool = True) -> None:
    """``--token T`` or ``--token-file FILE`` (one of them, when required); either sets ``token``."""
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--token", help=token_help)
    group.add_argument(
        "--token-file", dest="token", action=_TokenFromFile, metavar="FILE", help=help_text("cli_help.token_file")
    )
