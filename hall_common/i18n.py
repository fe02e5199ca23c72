"""The one message catalog for every user-facing string.

Messages live in TOML files under ``hall_common/messages/<locale>/<area>.toml``;
each area file (server, kiosk, printer, board, ...) is a namespace, so the key
``server.hall_closed`` is the entry ``hall_closed`` of ``server.toml``.
Chinese (zh_CN) is the reference: every key must exist there; English falls
back to Chinese for a key it lacks, never to the raw key.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

DEFAULT_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")


@functools.cache
def _catalog(locale: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    folder = resources.files("hall_common") / "messages" / locale
    for item in folder.iterdir():
        if not item.name.endswith(".toml"):
            continue
        area = item.name.removesuffix(".toml")
        for key, text in tomllib.loads(item.read_text("utf-8")).items():
            entries[f"{area}.{key}"] = text
    return entries


def negotiate(accept_language: str | None) -> str:
    """Pick zh_CN or en from an Accept-Language header; Chinese unless English is preferred."""
    if not accept_language:
        return DEFAULT_LOCALE
    best, best_q = DEFAULT_LOCALE, -1.0
    for part in accept_language.split(","):
        lang, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = lang.strip().lower()
        locale = "en" if lang.startswith("en") else "zh_CN" if lang.startswith("zh") else None
        if locale and q > best_q:
            best, best_q = locale, q
    return best


def page_locale(chosen: str | None) -> str:
    """The language of a staff or public page: Chinese whatever the browser says (a hall PC or
    tablet often runs an English system), English only when explicitly chosen (``?lang=en``)."""
    return negotiate(chosen) if chosen else DEFAULT_LOCALE


@dataclass(frozen=True)
class Label:
    """A message field that is itself a catalog entry: a state's or a document's name, never its
    code ("booked", "rejection") in a Chinese sentence. Shown in the locale of the message it is
    put in; ``fallback`` (a key) when the code has no entry of its own."""

    key: str
    fallback: str | None = None

    def text(self, locale: str = DEFAULT_LOCALE) -> str:
        if self.key in _catalog(DEFAULT_LOCALE) or self.fallback is None:
            return message(self.key, locale)
        return message(self.fallback, locale)

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Choices:
    """A message field that lists catalog entries as alternatives ("整数 或 null", "integer or
    null"), each entry and the word between them in the locale of the message it is put in."""

    keys: tuple[str, ...]

    def text(self, locale: str = DEFAULT_LOCALE) -> str:
        return message("server.choice_or", locale).join(message(k, locale) for k in self.keys)

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class When:
    """A message field that is a local date and time, written the way people read it: 11月27日 周五
    09:30 in Chinese (an elderly resident does not read "2026-11-27"), Fri 27/11 09:30 in English."""

    at: datetime

    def text(self, locale: str = DEFAULT_LOCALE) -> str:
        weekday = message(f"dates.weekday_{self.at.weekday()}", locale)
        return message(
            "dates.when", locale, month=self.at.month, day=self.at.day, weekday=weekday, time=f"{self.at:%H:%M}"
        )

    def __str__(self) -> str:
        return self.text()


def message(key: str, /, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
    """The text for ``key`` in ``locale`` with ``{name}`` fields filled from params (a Label,
    Choices or When field in the same locale)."""
    params = {k: v.text(locale) if isinstance(v, Label | Choices | When) else v for k, v in params.items()}
    text = _catalog(locale).get(key) if locale in LOCALES else None
    if text is None:
        text = _catalog(DEFAULT_LOCALE).get(key)
    if text is None:
        raise KeyError(f"message key {key!r} is missing from the zh_CN catalog")
    return text.format(**params) if params else text


def area_messages(area: str, locale: str = DEFAULT_LOCALE) -> dict[str, str]:
    """Every entry of one area, unformatted, for pages that fill in ``{params}`` themselves.

    Keys come from the Chinese reference; each text falls back to Chinese like message().
    """
    prefix = area + "."
    return {key[len(prefix) :]: message(key, locale) for key in _catalog(DEFAULT_LOCALE) if key.startswith(prefix)}


def has_message(key: str) -> bool:
    return key in _catalog(DEFAULT_LOCALE)
