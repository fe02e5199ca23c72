"""Boundary values for every date, month, local time and integer parameter of the OpenAPI document,
as requests that reach the code behind the guard: the other required body fields and the path
values are real ones of the pilot hall. Used by the boundary walk and by the schemathesis run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

WINDOW = 2
# Path values that name something real in the pilot hall (the boundary goes in one place at a time).
PATH_VALUES = {
    "number": str(WINDOW),
    "window": str(WINDOW),
    "ticket_id": "1",
    "case_no": "2026-00001",
    "code": "ZZ900",
    "day": "2026-12-01",
    "kind": "acceptance",
    "token": "rt_unknown",
    "follow_up_id": "1",
    "rating_id": "1",
    "appeal_id": "1",
    "action": "start",
    "half": "am",
    "device_id": "1",
}
TEXT_VALUES = {
    "staff_no": "BZY002",
    "resident_name": "张桂兰",
    "phone": "13800138000",
    "phone_tail": "8000",
    "applicant_name": "张桂兰",
    "password": "not-the-password",
    "reason": "测试",
}
# Python's date range ends (the 500s an outside test found), the days just outside the hall's
# range, and its own ends, which must still work.
DATES = ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2000-01-01", "2100-12-31"]
MONTHS = ["0001-01", "9999-12", "1999-12", "2101-01", "2000-01", "2100-12"]
TIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "2000-01-01T00:00", "2100-12-31T23:59"]
# Named so before the document said which parameters are dates: today's names are caught either way.
DAY_NAMES = {"date", "day", "from", "to"}
TIME_NAMES = {"slot_start", "start"}
MONTH_NAMES = {"month"}


@dataclass(frozen=True)
class Boundary:
    method: str
    path: str  # the document's template, /api/v1/windows/{number}/...
    roles: tuple[str, ...]  # the roles the operation admits (empty: public)
    where: str  # path, query or body
    name: str
    value: Any
    path_parameters: dict[str, str]
    query: dict[str, Any]
    body: dict[str, Any] | None

    def url(self) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(self.path_parameters[m.group(1)]), self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.where} {self.name}={self.value!r}"


def kind(name: str, rule: dict[str, Any]) -> str | None:
    types = rule.get("type")
    kinds = set(types) if isinstance(types, list) else {types}
    if "integer" in kinds:
        return "integer"
    if "string" not in kinds or "enum" in rule:
        return None
    if name in MONTH_NAMES or rule.get("format") == "x-month":
        return "month"
    if name in TIME_NAMES or rule.get("format") == "x-local-datetime":
        return "time"
    if name in DAY_NAMES or rule.get("format") == "date":
        return "date"
    return None


def values(of: str, rule: dict[str, Any]) -> list[Any]:
    if of == "date":
        return DATES
    if of == "month":
        return MONTHS
    if of == "time":
        return TIMES
    low, high = rule.get("minimum", -(2**63)), rule.get("maximum", 2**63 - 1)
    return sorted({low, high, low - 1, high + 1, 0, -1, 2**31, 2**63 - 1, -(2**63)})


def filler(name: str, rule: dict[str, Any]) -> Any:
    """A valid value for a required field that is not the one under test."""
    if "examples" in rule:
        return rule["examples"][0]
    if "enum" in rule:
        return next(v for v in rule["enum"] if v is not None)
    types = rule.get("type")
    kinds = set(types) if isinstance(types, list) else {types}
    of = kind(name, rule)
    if of in ("date", "month", "time"):
        return {"date": "2026-12-01", "month": "2026-11", "time": "2026-11-27T09:30"}[of]
    if "integer" in kinds:
        return max(rule.get("minimum", 1), 1)
    if "boolean" in kinds:
        return False
    if "array" in kinds:
        return []
    if "object" in kinds:
        return {}
    return TEXT_VALUES.get(name, "测试")


def fields(entry: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(where, name, schema) of an operation's parameters and top-level body fields."""
    out = [(p["in"], p["name"], p["schema"]) for p in entry["parameters"]]
    out += [("body", n, r) for n, r in (_body_schema(entry).get("properties") or {}).items()]
    return out


def _body_schema(entry: dict[str, Any]) -> dict[str, Any]:
    return entry.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema") or {}


def is_stream(entry: dict[str, Any]) -> bool:
    return "text/event-stream" in entry.get("responses", {}).get("200", {}).get("content", {})


def boundaries(doc: dict[str, Any], method: str | None = None, path: str | None = None) -> list[Boundary]:
    """Every boundary request of the document (or of one operation)."""
    out = []
    for p, methods in doc["paths"].items():
        for m, entry in methods.items():
            if (path and p != path) or (method and m.upper() != method.upper()) or is_stream(entry):
                continue  # the event stream never ends: its two integers are in the stream tests
            body_schema = _body_schema(entry)
            for where, name, rule in fields(entry):
                of = kind(name, rule)
                if of is None:
                    continue
                for value in values(of, rule):
                    path_parameters = {
                        n: (value if (where, name) == ("path", n) else PATH_VALUES[n])
                        for n in re.findall(r"\{(\w+)\}", p)
                    }
                    body = None
                    if "requestBody" in entry:
                        props = body_schema.get("properties") or {}
                        body = {n: filler(n, props[n]) for n in body_schema.get("required", []) if n != name}
                        if where == "body":
                            body[name] = value
                    query = {name: value} if where == "query" else {}
                    out.append(
                        Boundary(
                            m.upper(),
                            p,
                            tuple(entry.get("x-roles") or ()),
                            where,
                            name,
                            value,
                            path_parameters,
                            query,
                            body,
                        )
                    )
    return out
