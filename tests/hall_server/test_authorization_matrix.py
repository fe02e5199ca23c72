"""Every route × every caller against the real app: 401 and 403 exactly where the route's
declaration says, and the OpenAPI document's role list is the one the server enforces.

The routes come from the API registry itself, so a route added later is in the matrix at once,
and one declared without roles fails here."""

from __future__ import annotations

import re

import httpx
import pytest

from hall_server.api import spec
from hall_server.services.access import ROLES
from tests.support.live_server import start_live_hall

WINDOW = 2  # the window named in paths: clerk-2 and pad-2 are its own, clerk-1 another window's
PATH_VALUES = {
    "number": str(WINDOW),
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
    "window": str(WINDOW),
    "device_id": "1",
}
# caller: (token key in the live hall, role, window of the token)
CALLERS = {
    "kiosk": ("kiosk", "kiosk", None),
    "board": ("board", "board", None),
    "pad": ("pad-2", "pad", WINDOW),
    "clerk of the window": ("clerk-2", "clerk", WINDOW),
    "clerk of another window": ("clerk-1", "clerk", 1),
    "backoffice": ("backoffice", "backoffice", None),
    "supervisor": ("supervisor", "supervisor", None),
    "admin": ("admin", "admin", None),
    "county admin": ("county_admin", "county_admin", None),
    "no token": (None, None, None),
    "bad token": ("bad", None, None),
}
GUARD_REFUSALS = ("unauthorized", "invalid_token", "forbidden_role", "forbidden_window")
OPERATIONS = [op for op in spec.operations if op.path != "/openapi.json"]


def _url(path: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: PATH_VALUES[m.group(1)], path)


def _expected(op, role: str | None, window: int | None) -> int | None:
    """What the declaration promises this caller, written out here rather than read from the guard."""
    if op.public:
        return None
    if role is None:
        return 401
    if role not in op.roles:
        return 403
    if op.window_param and role in ("clerk", "pad") and window != WINDOW:
        return 403
    return None


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    hall = start_live_hall(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'hall.db'}", "2026-11-26 10:00")
    hall.tokens["backoffice"] = hall.server.tokens.create(hall.hall_id, "backoffice", label="test backoffice")
    hall.tokens["county_admin"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="test county admin")
    hall.tokens["bad"] = "yc_not-a-token"
    hall.http = httpx.Client(base_url=hall.base_url + "/api/v1", timeout=10)
    hall.clients.append(hall.http)
    yield hall
    hall.stop()


def _status(hall, op, token_key: str | None) -> tuple[int, str | None]:
    headers = {"Authorization": f"Bearer {hall.tokens[token_key]}"} if token_key else {}
    with hall.http.stream(op.method, _url(op.path), headers=headers) as r:
        if r.status_code < 400 or "json" not in r.headers.get("content-type", ""):
            return r.status_code, None
        r.read()
        return r.status_code, r.json()["error"]["code"]


def test_every_route_declares_who_may_call_it():
    undeclared = [f"{op.method} {op.path}" for op in spec.operations if not op.roles and not op.public]
    assert undeclared == []


@pytest.mark.parametrize("op", OPERATIONS, ids=[f"{op.method} {op.path}" for op in OPERATIONS])
def test_each_caller_is_refused_exactly_when_the_route_declaration_says(hall, op):
    wrong = {}
    for caller, (token_key, role, window) in CALLERS.items():
        expected = _expected(op, role, window)
        status, code = _status(hall, op, token_key)
        refused = status in (401, 403) and code in GUARD_REFUSALS
        # A 403 with another code is a data rule of the service (a clerk's own follow-ups, the
        # case's window), not the declaration's: the declaration promises only that the guard lets it by.
        if (expected is None and refused) or (expected is not None and (status, refused) != (expected, True)):
            wrong[caller] = (expected, status, code)
    assert wrong == {}, f"caller: (declared, got, error code) for {op.method} {op.path}"


def test_the_openapi_role_list_is_the_one_the_server_enforces(hall):
    doc = hall.http.get("/openapi.json").json()
    role_token = {"kiosk": "kiosk", "board": "board", "pad": "pad-2", "clerk": "clerk-2", "backoffice": "backoffice"}
    mismatched = {}
    for op in OPERATIONS:
        entry = doc["paths"]["/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.path)][op.method.lower()]
        enforced = []
        for role in ROLES:
            status, code = _status(hall, op, role_token.get(role, role))
            if not op.public and code != "forbidden_role":
                enforced.append(role)
        if sorted(entry["x-roles"]) != sorted(enforced):
            mismatched[f"{op.method} {op.path}"] = (entry["x-roles"], enforced)
    assert mismatched == {}
