"""The matter catalog (事项清单): what residents can come for, who decides it, what to bring."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from hall_common.i18n import message

from .errors import ConfigError

CLASSES = ("高频", "低频", "阶段性", "转报")
KINDS = ("即办", "承诺")
DOMAINS = (
    "civil_affairs",
    "social_security",
    "medical_insurance",
    "agriculture",
    "family_planning",
    "disabled_persons",
    "veterans",
    "household_registration",
    "market_regulation",
    "tax",
)


@dataclass(frozen=True)
class Material:
    name: str
    requirement: str
    sample: str = ""
    original: bool = False
    copies: int = 0
    required: bool = True


@dataclass(frozen=True)
class Matter:
    code: str
    name: str
    department: str
    domain: str
    matter_class: str
    kind: str
    promised_days: int
    legal_days: int
    ticket_prefix: str
    handling_minutes: int
    forward_to: str = ""
    conditions: str = ""
    legal_basis: str = ""
    keywords: tuple[str, ...] = ()
    materials: tuple[Material, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CatalogEntry:
    """A matter with its place in the hall's list and whether devices show it (a row of the
    workbook, the admin page's form)."""

    matter: Matter
    sort_order: int
    active: bool


def parse_catalog(text: str, source: str) -> list[Matter]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(message("config.bad_toml", source=source, error=str(exc))) from None
    matters: list[Matter] = []
    seen: set[str] = set()

    def tables(value: object, key: str) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            expected = message("config.expected_table_list")
            raise ConfigError(
                message("config.invalid_value", source=source, key=key, value=repr(value), expected=expected)
            )
        return value

    for i, m in enumerate(tables(data.get("matter", []), "[[matter]]")):
        path = f"matter[{i}]"

        def bad(key: str, expected: str, value: object, path: str = path) -> ConfigError:
            return ConfigError(
                message(
                    "config.invalid_value", source=source, key=f"{path}.{key}", value=repr(value), expected=expected
                )
            )

        def string_of(key: str, where: dict[str, Any] = m, path: str = path) -> str:
            value = where.get(key, "")
            if not isinstance(value, str):
                raise bad(key, message("config.expected_string"), value, path)
            return value

        def flag(key: str, where: dict[str, Any], default: bool, path: str) -> bool:
            value = where.get(key, default)
            if not isinstance(value, bool):
                raise bad(key, message("config.expected_boolean"), value, path)
            return value

        for key in ("code", "name", "department", "domain", "class", "kind", "ticket_prefix"):
            if not isinstance(m.get(key), str) or not m[key].strip():
                raise ConfigError(message("config.missing_key", source=source, key=f"{path}.{key}"))
        if m["code"] in seen:
            raise bad("code", message("catalog.expected_unique_code"), m["code"])
        seen.add(m["code"])
        if m["class"] not in CLASSES:
            raise bad("class", " / ".join(CLASSES), m["class"])
        if m["kind"] not in KINDS:
            raise bad("kind", " / ".join(KINDS), m["kind"])
        if m["domain"] not in DOMAINS:
            raise bad("domain", " / ".join(DOMAINS), m["domain"])
        promised, legal = m.get("promised_days", 0), m.get("legal_days", 0)
        if not isinstance(promised, int) or not isinstance(legal, int) or promised < 0 or (legal and promised > legal):
            raise bad("promised_days", message("catalog.expected_promised_days", legal=legal), promised)
        minutes = m.get("handling_minutes", 10)
        if not isinstance(minutes, int) or not 1 <= minutes <= 480:
            raise bad("handling_minutes", message("config.expected_integer", minimum=1, maximum=480), minutes)
        materials = []
        for j, x in enumerate(tables(m.get("materials", []), f"{path}.materials")):
            where = f"{path}.materials[{j}]"
            name, copies = x.get("name"), x.get("copies", 0)
            if not isinstance(name, str) or not name.strip():
                raise ConfigError(message("config.missing_key", source=source, key=f"{where}.name"))
            if isinstance(copies, bool) or not isinstance(copies, int) or copies < 0:
                raise bad("copies", message("config.expected_non_negative_integer"), copies, where)
            materials.append(
                Material(
                    name=name,
                    requirement=string_of("requirement", x, where),
                    sample=string_of("sample", x, where),
                    original=flag("original", x, False, where),
                    copies=copies,
                    required=flag("required", x, True, where),
                )
            )
        keywords = m.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise bad("keywords", message("config.expected_string_list"), keywords)
        matters.append(
            Matter(
                code=m["code"],
                name=m["name"],
                department=m["department"],
                domain=m["domain"],
                matter_class=m["class"],
                kind=m["kind"],
                promised_days=promised,
                legal_days=legal,
                ticket_prefix=m["ticket_prefix"],
                handling_minutes=minutes,
                forward_to=string_of("forward_to"),
                conditions=string_of("conditions"),
                legal_basis=string_of("legal_basis"),
                keywords=tuple(keywords),
                materials=tuple(materials),
            )
        )
    return matters


def default_catalog() -> list[Matter]:
    text = (resources.files("hall_server") / "defaults" / "matters.toml").read_text("utf-8")
    return parse_catalog(text, "matters.toml (built in)")
