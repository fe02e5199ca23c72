"""Boundary values in every date, month, day, time and integer parameter of every operation get
a 4xx in Chinese or a real answer, never a 5xx (an outside test found 24 of 51 requests with
0001-01-01 / 9999-12-31 answering 500, an OverflowError of the day arithmetic, on 15 staff
operations that the fuzzer's random strings never reached).

The operations and their parameters come from the OpenAPI document, so a parameter added later
is walked at once; each operation is called with the token of every role it admits."""

from __future__ import annotations

import dataclasses
import re

import httpx
import pytest

from tests.support.boundaries import DATES, MONTHS, TIMES, boundaries, fields, kind
from tests.support.live_server import start_live_hall

ROLE_TOKENS = {
    "admin": "admin",
    "supervisor": "supervisor",
    "county_admin": "county",
    "clerk": "clerk-2",
    "backoffice": "backoffice",
    "pad": "pad-2",
    "kiosk": "kiosk",
    "board": "board",
}


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    hall = start_live_hall(f"sqlite:///{tmp_path_factory.mktemp('bounds') / 'hall.db'}", "2026-11-26 10:00")
    hall.tokens["county"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="县数据局")
    hall.tokens["backoffice"] = hall.server.tokens.create(hall.hall_id, "backoffice", label="后台")
    hall.http = httpx.Client(base_url=hall.base_url, timeout=30)
    hall.clients.append(hall.http)
    hall.doc = hall.http.get("/api/v1/openapi.json").json()
    yield hall
    hall.stop()


def test_every_date_month_time_and_integer_boundary_gets_an_answer_not_a_server_error(hall):
    cases = boundaries(hall.doc)
    # Today's document has some 150 such values; a walk finding few means the detection broke.
    assert len(cases) > 300
    errors, sent = [], 0
    for case in cases:
        for role in case.roles or (None,):
            headers = {"Authorization": f"Bearer {hall.tokens[ROLE_TOKENS[role]]}"} if role else {}
            r = hall.http.request(case.method, case.url(), params=case.query, json=case.body, headers=headers)
            sent += 1
            if r.status_code >= 500:
                errors.append(f"{case} as {role or 'anyone'}: {r.status_code}")
    assert not errors, f"{len(errors)} of {sent} boundary requests answered a server error:\n" + "\n".join(errors)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/stats", {"from": "0001-01-01"}),
        ("/api/v1/stats", {"to": "9999-12-31"}),
        ("/api/v1/reports/monthly.pdf", {"month": "9999-12"}),
        ("/api/v1/shifts", {"date": "1999-12-31"}),
    ],
)
def test_a_date_outside_the_halls_range_is_refused_in_chinese_naming_the_range(hall, path, params):
    r = hall.http.get(path, params=params, headers={"Authorization": f"Bearer {hall.tokens['supervisor']}"})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "field_date_range", error
    assert list(params)[0] in error["message"] and "2000" in error["message"] and "2100" in error["message"]
    assert re.search(r"[\u4e00-\u9fff]", error["message"])


def test_a_day_in_the_path_outside_the_range_is_refused_before_the_calendar_changes(hall):
    auth = {"Authorization": f"Bearer {hall.tokens['supervisor']}"}
    r = hall.http.put("/api/v1/calendar/overrides/9999-12-31", json={"kind": "holiday"}, headers=auth)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "field_date_range")
    listed = hall.http.get("/api/v1/calendar/overrides", headers=auth).json()["overrides"]
    assert all(o.get("date", o.get("day")) != "9999-12-31" for o in listed)


def test_every_date_like_field_of_the_document_declares_its_format_and_range(hall):
    undeclared = []
    for path, methods in hall.doc["paths"].items():
        for method, entry in methods.items():
            for _, name, rule in fields(entry):
                if kind(name, rule) in ("date", "month", "time") and not {"formatMinimum", "formatMaximum"} <= set(
                    rule
                ):
                    undeclared.append(f"{method.upper()} {path} {name}")
    assert undeclared == []


# One value per kind as a clerk or supervisor might mistype it, and the written form the answer
# must show: day and month swapped, a month 13, an hour 25.
MISTYPED = {
    DATES[0]: ("27-11-2026", "YYYY-MM-DD（"),
    MONTHS[0]: ("2026-13", "YYYY-MM（"),
    TIMES[0]: ("2026-11-27T25:30", "YYYY-MM-DDTHH:MM（"),
}


def test_every_mistyped_date_month_and_time_is_answered_with_its_written_form_and_an_example(hall):
    cases = [c for c in boundaries(hall.doc) if c.value in MISTYPED]
    assert len(cases) > 20  # every date-like field of the document, once (26 today)
    wrong = []
    for case in cases:
        bad, form = MISTYPED[case.value]
        path_parameters = {**case.path_parameters, **({case.name: bad} if case.where == "path" else {})}
        query = {case.name: bad} if case.where == "query" else {}
        body = {**case.body, case.name: bad} if case.where == "body" and case.body is not None else case.body
        case = dataclasses.replace(case, value=bad, path_parameters=path_parameters, query=query, body=body)
        role = case.roles[0] if case.roles else None
        headers = {"Authorization": f"Bearer {hall.tokens[ROLE_TOKENS[role]]}"} if role else {}
        r = hall.http.request(case.method, case.url(), params=case.query, json=case.body, headers=headers)
        message = r.json().get("error", {}).get("message", "") if r.status_code == 400 else r.text[:200]
        if not (form in message and case.name in message and re.search(r"例如 \d{4}-\d{2}", message)):
            wrong.append(f"{case}: {r.status_code} {message}")
    assert not wrong, "\n".join(wrong)
