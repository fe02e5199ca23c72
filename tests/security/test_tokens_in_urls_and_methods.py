"""Tokens stay out of URLs except where a browser cannot send a header, and then a short-lived
stream link is offered; a 405 says which methods the path allows; taking a number needs a body."""

from __future__ import annotations

import httpx

API = "/api/v1"


def test_a_token_in_the_query_string_is_refused_on_ordinary_routes_but_the_header_works(live_hall):
    supervisor = live_hall.tokens["supervisor"]
    in_url = httpx.get(f"{live_hall.base_url}{API}/queue", params={"token": supervisor})
    assert in_url.status_code == 401
    assert in_url.json()["error"]["code"] == "unauthorized"
    assert "Authorization: Bearer" in in_url.json()["error"]["message"]
    assert live_hall.client("supervisor").get("/queue").status_code == 200
    # A download link the stats page opens in the browser still takes ?token=.
    report = httpx.get(
        f"{live_hall.base_url}{API}/reports/monthly.pdf", params={"token": supervisor, "month": "2026-11"}, timeout=60
    )
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


def first_bytes_of_stream(url: str, **params) -> tuple[int, bytes]:
    with httpx.stream("GET", url, params=params, timeout=10) as r:
        if r.status_code != 200:
            r.read()
            return r.status_code, r.content
        return 200, next(r.iter_bytes())


def test_an_event_stream_opens_with_a_short_lived_link_made_by_an_authenticated_call(live_hall):
    board = live_hall.client("board")
    made = board.post("/events/link")
    assert made.status_code == 200, made.text
    link = made.json()["link"]
    assert live_hall.tokens["board"] not in link and made.json()["expires_in"] <= 300
    url = f"{live_hall.base_url}{API}/events"
    status, head = first_bytes_of_stream(url, link=link, types="ticket.called")
    assert status == 200 and b"retry: 2000" in head
    forged = link[:-4] + ("0000" if not link.endswith("0000") else "1111")
    status, answer = first_bytes_of_stream(url, link=forged)
    assert status == 401 and "实时事件链接无效或已过期".encode() in answer
    # Without a token nobody gets a link.
    assert httpx.post(f"{live_hall.base_url}{API}/events/link").status_code == 401


def test_a_405_lists_the_methods_the_path_allows(live_hall):
    r = httpx.request("TRACE", f"{live_hall.base_url}{API}/tickets")
    assert r.status_code == 405
    assert "POST" in {m.strip() for m in r.headers["Allow"].split(",")}
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_taking_a_number_without_a_body_is_refused_in_chinese_and_issues_nothing(live_hall):
    kiosk, supervisor = live_hall.client("kiosk"), live_hall.client("supervisor")
    bare = kiosk.post("/tickets")
    assert bare.status_code == 400
    assert bare.json()["error"]["code"] == "ticket_body_required"
    assert "请发送 JSON 请求体" in bare.json()["error"]["message"]
    assert supervisor.get("/queue").json()["waiting"] == []
    assert kiosk.post("/tickets", json={"accept_late_risk": True}).status_code == 201
