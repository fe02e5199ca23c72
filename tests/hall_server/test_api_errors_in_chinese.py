"""Every API refusal a page can meet reads as Chinese: each declared route is called with an empty
body, with a wrong value in every field and with ids that do not exist, by a caller it admits, and
each 4xx message is scanned for English words and Python values. Names and values the request
itself uses (its fields, their allowed values) may appear: the caller must type them. No 5xx."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from hall_server.api import spec
from tests.hall_server.test_authorization_matrix import PATH_VALUES
from tests.hall_server.test_messages_in_chinese import ALLOWED_WORDS, PYTHON_REPRS
from tests.support.live_server import start_live_hall

# The role a route is called as, first admitted one wins: the widest view of the hall's data.
CALLER_ORDER = ["supervisor", "admin", "clerk", "backoffice", "kiosk", "board", "pad", "county_admin"]
TOKEN_OF_ROLE = {"clerk": "clerk-2", "pad": "pad-2"}
UNKNOWN_IDS = {**PATH_VALUES, "ticket_id": "987654", "case_no": "2026-98765", "rating_id": "987654"}
# Words of the refusals about the request's own shape, which its author types: the address of the
# API document, JSON and its literals, the example body, date formats, the query's own names.
SHAPE_WORDS = {"api", "v1", "openapi", "json", "JSON", "Content", "Type", "application", "true", "false", "null"}
SHAPE_WORDS |= {"matter_id", "YYYY", "MM", "DD", "from", "to"}
# The steps a follow-up URL may name (/follow-ups/<id>/<action>), listed when another is asked for.
SHAPE_WORDS |= {"call_back", "rectify_now", "rectify_deadline", "explain", "report_back", "close"}
OPERATIONS = [op for op in spec.operations if op.path != "/openapi.json" and not op.streaming]


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    hall = start_live_hall(f"sqlite:///{tmp_path_factory.mktemp('api-errors') / 'hall.db'}", "2026-11-26 10:00")
    hall.tokens["backoffice"] = hall.server.tokens.create(hall.hall_id, "backoffice", label="民政办")
    hall.tokens["county_admin"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="县级")
    hall.http = httpx.Client(base_url=hall.base_url + "/api/v1", timeout=30)
    hall.clients.append(hall.http)
    yield hall
    hall.stop()


def schema_words(schema: Any) -> set[str]:
    """Every property name, allowed value and example in a JSON schema: what the caller types."""
    words: set[str] = set()
    if isinstance(schema, dict):
        words |= set(schema.get("properties", {}))
        for key in ("enum", "examples"):
            words |= {str(v) for v in schema.get(key, []) if v is not None}
        for value in schema.values():
            words |= schema_words(value)
    elif isinstance(schema, list):
        for value in schema:
            words |= schema_words(value)
    return {w for word in words for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", word)}


def wrong_values(schema: dict | None) -> dict:
    """A value of the wrong kind for every field: a string where a number is wanted, and so on."""
    out = {}
    for name, rule in (schema or {}).get("properties", {}).items():
        kinds = rule.get("type", "string")
        out[name] = [] if "string" in kinds else "不是数字"
    return out


def requests_for(op) -> list[tuple[str, dict | None, dict | None]]:
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: UNKNOWN_IDS[m.group(1)], op.path)
    out: list[tuple[str, dict | None, dict | None]] = [(url, None, None)]
    if op.method in ("POST", "PUT", "PATCH", "DELETE"):
        out += [(url, None, {}), (url, None, wrong_values(op.body))]
    if op.query:
        out.append((url, dict.fromkeys(op.query.get("properties", {}), "不是数字"), None))
    return out


@pytest.mark.parametrize("op", OPERATIONS, ids=[f"{op.method} {op.path}" for op in OPERATIONS])
def test_every_refusal_of_the_route_is_chinese(hall, op):
    role = None if op.public else next(r for r in CALLER_ORDER if r in op.roles)
    headers = {"Accept-Language": "zh-CN"}
    if role:
        headers["Authorization"] = f"Bearer {hall.tokens[TOKEN_OF_ROLE.get(role, role)]}"
    allowed = ALLOWED_WORDS | SHAPE_WORDS | schema_words(op.body) | schema_words(op.query) | set(PATH_VALUES)
    allowed |= {w for v in UNKNOWN_IDS.values() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", v)}
    leaks = []
    for url, params, body in requests_for(op):
        r = hall.http.request(op.method, url, params=params, json=body, headers=headers)
        assert r.status_code < 500, f"{op.method} {url} {params} {body}: {r.status_code} {r.text[:300]}"
        if r.status_code < 400 or "json" not in r.headers.get("content-type", ""):
            continue
        text = r.json()["error"]["message"]
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)
        foreign = [w for w in words if w not in allowed and not re.fullmatch(r"[A-Z]\d*|\d+", w)]
        if foreign or PYTHON_REPRS.search(text):
            leaks.append((url, params, body, text))
    assert leaks == []
