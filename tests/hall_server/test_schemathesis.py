"""Schemathesis over the OpenAPI document against the real app: five roles, about 30
examples per operation and role, derandomized; no 5xx, and every answer as documented.

Each operation runs for the roles among the four that it admits (a refused role only ever gets
the 401/403 the authorization matrix checks exactly) and public ones once without a token. The
event stream never ends, so it is left to the SSE tests.

Random strings never reach the ends of the calendar (an outside run found 500s at 0001-01-01 and
9999-12-31 that 49,059 of these requests had missed), so every date, month, day, local time and
integer parameter also gets its boundary values as explicit examples (tests/support/boundaries.py),
checked the same way."""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, example, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.boundaries import boundaries
from tests.support.live_server import start_live_hall

EXAMPLES = 30
ROLES = {"kiosk": "kiosk", "clerk": "clerk-2", "supervisor": "supervisor", "admin": "admin", "county_admin": "county"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SKIP = {("/api/v1/events", "GET")}


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    hall = start_live_hall(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'hall.db'}", "2026-11-26 10:00")
    # the county's statistics across halls (by=hall, any hall=) are its own code paths
    hall.tokens["county"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="县数据局")
    yield hall
    hall.stop()


def _boundary_cases(operation, doc: dict) -> list:
    return [
        operation.Case(
            path_parameters=b.path_parameters,
            query=b.query,
            body=b.body if b.body is not None else NOT_SET,
            media_type="application/json" if b.body is not None else None,
        )
        for b in boundaries(doc, operation.method, operation.path)
    ]


def _run(operation, headers: dict[str, str], doc: dict) -> int:
    cases = _boundary_cases(operation, doc)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def one(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    for case in cases:
        one = example(case=case)(one)
    one()
    return len(cases)


def test_no_operation_answers_a_server_error_or_off_its_documentation(hall):
    app = hall._http.app
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    started, runs, failures, timings, bounds = time.monotonic(), 0, {}, {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.path, operation.method.upper()) in SKIP:
            continue
        declared = operation.definition.raw.get("x-roles") or []
        callers = {r: t for r, t in ROLES.items() if r in declared} if declared else {"anyone": None}
        for role, token_key in callers.items():
            headers = {"Authorization": f"Bearer {hall.tokens[token_key]}"} if token_key else {}
            runs += 1
            began = time.monotonic()
            try:
                bounds += _run(operation, headers, doc)
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, not only the first
                failures[f"{operation.method.upper()} {operation.path} as {role}"] = _describe(exc)
            timings[f"{operation.method.upper()} {operation.path} as {role}"] = time.monotonic() - began
    slowest = sorted(timings.items(), key=lambda kv: -kv[1])[:5]
    print(f"schemathesis: {runs} operation-role runs, {bounds} boundary examples, {time.monotonic() - started:.1f} s")
    print(f"slowest: {slowest}")
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def _describe(exc: BaseException) -> str:
    parts = [str(exc)]
    for sub in getattr(exc, "exceptions", ()):
        parts.append(_describe(sub))
    return "\n".join(parts)[:3000]
