"""The one request validator: JSON Schema (Draft 2020-12) from the route's declaration.

Bodies and query parameters are checked against the schema the OpenAPI document shows;
the first error becomes an ``InvalidInput`` whose Chinese message names the field, what is
wrong and how to fix it. Bounds the declaration leaves out are filled in once (``bounded``)
so every string, number and list the API accepts has a limit, and the document says so.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from hall_common.i18n import Choices

from ..core.errors import InvalidInput

# Databases store 64-bit integers; anything larger would overflow in the driver (a 500).
INT_MAX = 2**63 - 1
DEFAULT_MAX_LENGTH = 500
DEFAULT_MAX_ITEMS = 100
DEFAULT_INT_RANGE = (-(2**31), 2**31 - 1)
# json.loads recurses per level: 1000 levels is a RecursionError. Real bodies nest 3 deep.
MAX_DEPTH = 32
JSON_TYPES = ("string", "integer", "number", "boolean", "array", "object", "null")  # json_types.toml
# The days the hall's records can mean: a date outside them is a typing slip (0001, 9999), and the
# day arithmetic behind the rosters, reports and calendars (a month's last day, the day after)
# overflows Python's date range at its ends — an outside test got 500s from 15 staff operations.
DATE_RANGE = ("2000-01-01", "2100-12-31")
_DATE_HEAD = re.compile(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")
# The written form of each date-like format, and the message that shows it with an example when a
# value does not match it (27-11-2026, 2026-9-1, 2026-02-30, "tomorrow"): one answer per kind of
# field, whether the pattern or the calendar refused it, in a query, a body or the path.
DATE_FORMS = {
    "date": ("field_date_form", "2026-11-26"),
    "x-month": ("field_month_form", "2026-10"),
    "x-local-datetime": ("field_datetime_form", "2026-11-27T09:30"),
}
_DATE_CHECKER = FormatChecker(formats=())


@_DATE_CHECKER.checks("date", raises=ValueError)
def _is_date(text: object) -> bool:
    return not isinstance(text, str) or bool(
        re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) and date.fromisoformat(text)
    )


@_DATE_CHECKER.checks("x-month", raises=ValueError)
def _is_month(text: object) -> bool:
    return not isinstance(text, str) or bool(
        re.fullmatch(r"[0-9]{4}-[0-9]{2}", text) and date.fromisoformat(text + "-01")
    )


@_DATE_CHECKER.checks("x-local-datetime", raises=ValueError)
def _is_local_datetime(text: object) -> bool:
    # What the views parse (hall-local time; seconds and an offset are accepted too).
    if not isinstance(text, str):
        return True
    return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}\S*", text.strip())) and bool(
        datetime.fromisoformat(text.strip().replace("T", " "))
    )


def day(description: str = "YYYY-MM-DD", example: str = "2026-11-26") -> dict[str, Any]:
    """A calendar day (query, path or body), bounded to DATE_RANGE."""
    return {
        "type": "string",
        "format": "date",
        "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        "formatMinimum": DATE_RANGE[0],
        "formatMaximum": DATE_RANGE[1],
        "examples": [example],
        "description": description,
    }


def month(description: str = "YYYY-MM") -> dict[str, Any]:
    """A calendar month, bounded to DATE_RANGE."""
    return {
        "type": "string",
        "format": "x-month",
        "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        "formatMinimum": DATE_RANGE[0][:7],
        "formatMaximum": DATE_RANGE[1][:7],
        "examples": ["2026-10"],
        "description": description,
    }


def local_time(description: str, example: str = "2026-11-27T09:30") -> dict[str, Any]:
    """A local date and time (the hall's clock, no offset), its day bounded to DATE_RANGE."""
    return {
        "type": "string",
        "format": "x-local-datetime",
        "maxLength": 32,
        "formatMinimum": DATE_RANGE[0],
        "formatMaximum": DATE_RANGE[1],
        "examples": [example],
        "description": description,
    }


def obj(required: tuple[str, ...] = (), **props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required), "additionalProperties": False}


def bounded(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` with a limit on every string, integer and array that lacks one."""
    out = copy.deepcopy(schema)
    _bound(out)
    return out


def _bound(rule: dict[str, Any]) -> None:
    types = rule.get("type")
    kinds = set(types) if isinstance(types, list) else {types}
    if "string" in kinds and "enum" not in rule and "pattern" not in rule:
        rule.setdefault("maxLength", DEFAULT_MAX_LENGTH)
    if "integer" in kinds:
        rule.setdefault("minimum", DEFAULT_INT_RANGE[0])
        rule.setdefault("maximum", DEFAULT_INT_RANGE[1])
    if "array" in kinds:
        rule.setdefault("maxItems", DEFAULT_MAX_ITEMS)
        if isinstance(rule.get("items"), dict):
            _bound(rule["items"])
    for child in (rule.get("properties") or {}).values():
        _bound(child)


def _date_bound(lower: bool) -> Any:
    """``formatMinimum`` / ``formatMaximum`` (the keywords of ajv-formats, which OpenAPI tools
    show): the leading day (or month) of a date-like string against the bound, compared as
    ISO text, which orders like the dates. A string without such a head is left to its pattern
    or to the view's parser, which name the expected form."""

    def check(validator: Any, bound: str, instance: Any, schema: dict[str, Any]) -> Any:
        if not isinstance(instance, str):
            return
        head = instance[: len(bound)]
        if _DATE_HEAD.fullmatch(head) and len(head) == len(bound) and (head < bound if lower else head > bound):
            yield ValidationError(f"{instance!r} outside {bound}")

    return check


_Validator = validators.extend(
    Draft202012Validator, {"formatMinimum": _date_bound(True), "formatMaximum": _date_bound(False)}
)
_validators: dict[int, tuple[dict[str, Any], Any]] = {}


def _validator(schema: dict[str, Any]) -> Any:
    # Declarations live for the process; the schema is kept with its validator so an id is never reused.
    found = _validators.get(id(schema))
    if found is None or found[0] is not schema:
        found = _validators[id(schema)] = (schema, _Validator(schema, format_checker=_DATE_CHECKER))
    return found[1]


def validate(schema: dict[str, Any], data: Any) -> dict[str, Any]:
    """``data`` if it matches ``schema``; else InvalidInput for the first problem found."""
    if not isinstance(data, dict):
        raise InvalidInput("body_not_object")
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: (len(e.path), list(map(str, e.path))))
    if errors:
        raise _invalid(errors[0])
    _check_text(data, "")
    return data


def _where(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _join(parent: str, name: str) -> str:
    return name if parent == "body" else f"{parent}.{name}"


def _invalid(e: ValidationError) -> InvalidInput:
    field = _where(e.absolute_path)
    rule = e.schema if isinstance(e.schema, dict) else {}
    kind = e.validator
    form = DATE_FORMS.get(str(rule.get("format", "")))
    if form and kind in ("pattern", "format", "maxLength"):
        key, example = form
        value = e.instance[:40] if isinstance(e.instance, str) else ""
        return InvalidInput(key, field=field, value=value, example=rule.get("examples", [example])[0])
    if kind == "required":
        missing = next(
            (n for n in rule.get("required", []) if isinstance(e.instance, dict) and n not in e.instance), ""
        )
        return InvalidInput("field_required", field=_join(field, missing))
    if kind == "additionalProperties":
        allowed = list(rule.get("properties", {}))
        extra = sorted(k for k in e.instance if k not in allowed) if isinstance(e.instance, dict) else []
        name = _join(field, extra[0]) if extra else field
        return InvalidInput("field_unknown", field=name, allowed=", ".join(allowed))
    if kind == "type":
        types = rule.get("type")
        keys = tuple(f"json_types.{t}" for t in (types if isinstance(types, list) else [types]) if t in JSON_TYPES)
        return InvalidInput("field_type", field=field, expected=Choices(keys))
    if kind == "enum":
        return InvalidInput("field_enum", field=field, allowed=", ".join(str(v) for v in rule["enum"] if v is not None))
    if kind == "maxLength":
        return InvalidInput("field_too_long", field=field, max=rule["maxLength"])
    if kind == "minLength":
        return InvalidInput("field_required", field=field)
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return InvalidInput(
            "field_range", field=field, minimum=rule.get("minimum", ""), maximum=rule.get("maximum", "")
        )
    if kind in ("formatMinimum", "formatMaximum"):
        return InvalidInput(
            "field_date_range",
            field=field,
            minimum=rule.get("formatMinimum", ""),
            maximum=rule.get("formatMaximum", ""),
        )
    if kind == "maxItems":
        return InvalidInput("field_too_many", field=field, max=rule["maxItems"])
    if kind == "pattern":
        return InvalidInput("field_pattern", field=field, example=rule.get("examples", [rule["pattern"]])[0])
    return InvalidInput("field_invalid", field=field)


def _check_text(value: Any, where: str) -> None:
    """Strings the database can store: no lone surrogates (not UTF-8), no NUL (PostgreSQL refuses it)."""
    if isinstance(value, str):
        if "\x00" in value or not _encodable(value):
            raise InvalidInput("field_bad_characters", field=where or "body")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _check_text(k, where)
            _check_text(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_text(v, f"{where}[{i}]")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_json(raw: bytes) -> Any:
    """JSON from a request body, refusing nesting deeper than MAX_DEPTH before parsing it."""
    depth = deepest = 0
    # Nesting never exceeds the number of opening brackets (those inside strings too), so a body
    # with at most MAX_DEPTH of them needs no scan (a ticket's has one).
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH:
        for b in _BRACKETS.findall(_STRINGS.sub(b"", raw)):
            depth += 1 if b in (b"[", b"{") else -1
            deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise InvalidInput("body_too_deep", max=MAX_DEPTH)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput("body_not_json") from None


def coerce_query(schema: dict[str, Any], args: Mapping[str, str]) -> dict[str, Any]:
    """Query parameters typed by their declaration (integers, booleans), then validated like a body.
    Parameters not declared (token, lang, cache busters) are left to whoever reads them."""
    props: dict[str, Any] = schema.get("properties", {})
    out: dict[str, Any] = {}
    for name, rule in props.items():
        if name not in args:
            continue
        text = args[name]
        types = rule.get("type")
        kinds = set(types) if isinstance(types, list) else {types}
        if "integer" in kinds:
            if not re.fullmatch(r"-?[0-9]{1,19}", text):
                raise InvalidInput("field_type", field=name, expected=Choices(("json_types.integer",)))
            out[name] = int(text)
        elif "boolean" in kinds:
            if text not in ("true", "false"):
                raise InvalidInput("field_type", field=name, expected=Choices(("json_types.boolean",)))
            out[name] = text == "true"
        else:
            out[name] = text
    return validate(schema, out) if out else out
