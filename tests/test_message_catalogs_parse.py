"""Every message catalog file is valid TOML with each key once: parallel work appends keys, and a
key written twice would stop every page and message of its area."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

MESSAGES = Path(__file__).resolve().parents[1] / "hall_common" / "messages"
FILES = sorted(MESSAGES.glob("*/*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_catalog_file_parses_and_names_each_key_once(path):
    text = path.read_text("utf-8")
    keys = re.findall(r"^([A-Za-z0-9_]+)\s*=", text, flags=re.M)
    assert [k for k in set(keys) if keys.count(k) > 1] == []
    tomllib.loads(text)
