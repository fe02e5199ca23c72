"""Bad input gets a 4xx with a Chinese message saying what is wrong, never a 500, and a 500 that slips through leaks no traceback."""

from __future__ import annotations

import json
import re

import pytest

from hall_server.api import spec

TOO_BIG = str(2**63)
INT_PATHS = [op for op in spec.operations if "<int:" in op.path]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _chinese_error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert CHINESE.search(error["message"]), error
    if code is not None:
        assert error["code"] == code, error
    return error


@pytest.mark.parametrize("op", INT_PATHS, ids=[f"{op.method} {op.path}" for op in INT_PATHS])
def test_a_path_number_beyond_64_bits_is_not_found_not_a_server_error(live_hall, op):
    path = re.sub(r"<int:\w+>", TOO_BIG, op.path)
    r = live_hall.client("admin").request(op.method, path, json={})
    _chinese_error(r, 404, "not_found")


@pytest.mark.parametrize("path", ["/cases?window=" + TOO_BIG, "/events?last_event_id=" + TOO_BIG, "/events?window=x"])
def test_a_query_number_too_big_or_not_a_number_is_named_in_the_answer(live_hall, path):
    error = _chinese_error(live_hall.client("supervisor").get(path), 400)
    assert error["code"] in ("field_range", "field_type") and path.split("?")[1].split("=")[0] in error["message"]


def test_an_empty_request_id_twice_issues_two_tickets(live_hall):
    kiosk = live_hall.client("kiosk")
    first = kiosk.post("/tickets", json={"matter_id": 1, "request_id": ""})
    second = kiosk.post("/tickets", json={"matter_id": 1, "request_id": ""})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_json_nested_a_thousand_deep_is_refused_before_parsing(live_hall):
    deep = '{"matter_id": ' + "[" * 1000 + "]" * 1000 + "}"
    r = live_hall.client("kiosk").post("/tickets", content=deep, headers={"Content-Type": "application/json"})
    _chinese_error(r, 400, "body_too_deep")


@pytest.mark.parametrize(
    ("role", "path", "field"),
    [
        ("clerk-2", "/cases", "applicant_name"),
        ("clerk-2", "/windows/2/pause", "reason"),
        (None, "/auth/login", "staff_no"),
    ],
)
def test_a_lone_surrogate_in_a_text_field_is_refused_and_named(live_hall, role, path, field):
    body = {"matter_id": 1, "applicant_name": "张三", "reason": "午休", "staff_no": "BZY001", "password": "x"}
    allowed = {"/cases": ("matter_id", "applicant_name"), "/windows/2/pause": ("reason",)}
    body = {k: v for k, v in body.items() if k in allowed.get(path, ("staff_no", "password"))}
    raw = json.dumps(body).replace(json.dumps(body[field]), '"\\ud800"')
    http = live_hall.client(role) if role else live_hall.client("kiosk")
    headers = {"Content-Type": "application/json"} | ({} if role else {"Authorization": ""})
    error = _chinese_error(http.post(path, content=raw, headers=headers), 400, "field_bad_characters")
    assert field in error["message"]


def test_a_rated_tickets_history_shows_the_rating_step(live_hall):
    live_hall.client("kiosk").post("/tickets", json={"matter_id": 1})
    clerk = live_hall.client("clerk-2")
    ticket = clerk.post("/windows/2/call-next").json()["ticket"]
    clerk.post("/windows/2/start")
    clerk.post("/windows/2/finish")
    rated = live_hall.client("pad-2").post("/pads/2/rating", json={"ticket_id": ticket["id"], "level": 5})
    assert rated.status_code == 201, rated.text
    r = clerk.get(f"/tickets/{ticket['id']}/history")
    assert r.status_code == 200, r.text
    assert [(s["type"], s["state"]) for s in r.json()["steps"]][-1] == ("rating.recorded", "finished")


def test_an_oversized_body_sent_chunked_is_too_large_not_empty(live_hall):
    def chunks():
        yield b'{"matter_id": 1, "request_id": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    kiosk = live_hall.client("kiosk")
    r = kiosk.post("/tickets", content=chunks(), headers={"Content-Type": "application/json"})
    _chinese_error(r, 413, "body_too_large")
    assert live_hall.client("supervisor").get("/queue").json()["count"] == 0


def test_an_unexpected_failure_answers_in_chinese_without_a_traceback(live_hall, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /srv/yichuang/hall.db")

    monkeypatch.setattr(live_hall.server.overview, "view", broken)
    r = live_hall.client("kiosk").get("/hall")
    _chinese_error(r, 500, "internal_error")
    assert "secret detail" not in r.text and "Traceback" not in r.text
