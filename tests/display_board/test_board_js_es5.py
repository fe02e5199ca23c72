"""The lobby board's scripts stay ES5: the hall's TVs run old browsers (no arrows, let/const, classes,
template strings, spread or for…of). Checked on the code with its comments and strings taken out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "display_board/static/board.js", ROOT / "page_toolkit/static/toolkit.js"]
LATER_SYNTAX = {
    "arrow function": r"=>",
    "template string": r"`",
    "let/const": r"\b(?:let|const)\s",
    "class": r"\bclass\s+\w",
    "spread or rest": r"\.\.\.",
    "for…of": r"\bfor\s*\([^)]*\bof\b",
}
# Strings first (they may hold "//" or "/*"), then comments; a regex literal holding a quote is not
# used in these files.
CODE_ONLY = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|/\*.*?\*/|//[^\n]*", re.S)


def code_of(text: str) -> str:
    return CODE_ONLY.sub('""', text)


def test_the_check_sees_later_syntax():
    assert re.search(LATER_SYNTAX["arrow function"], code_of("var f = (a) => a; // => ok"))
    assert not re.search(LATER_SYNTAX["arrow function"], code_of('var s = "=>"; /* => */'))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_the_boards_scripts_are_es5(script):
    code = code_of(script.read_text(encoding="utf-8"))
    found = {name: m.group(0) for name, pattern in LATER_SYNTAX.items() if (m := re.search(pattern, code))}
    assert found == {}, f"{script.name} uses syntax old TV browsers cannot run: {found}"
