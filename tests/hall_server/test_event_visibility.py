"""Public devices get only the event fields their pages show: board, kiosk and pad streams carry
no rating level, no phone, no resident's name, no case (an outside test read every rating's level
and masked phone on a board token's stream), while staff streams still get everything."""

from __future__ import annotations

import json
import threading

import pytest

from hall_server.events.visibility import PUBLIC_VIEWS
from tests.cases.conftest import all_submitted, open_case
from tests.support.live_server import start_live_hall
from tests.support.sse_client import Received, read_events

PHONE_TAIL = "1234"  # of 13800001234, the bad rating's call-back number and the applicant's phone
RESIDENT = "张小三"


def _day_of_events(hall) -> int:
    """A ticket called, served and rated bad at window 2 with a call-back phone, a case opened
    there; then a last ticket issued, which every stream receives: the id the readers wait for."""
    kiosk, clerk, pad = hall.client("kiosk"), hall.client("clerk-2"), hall.client("pad-2")
    ticket = kiosk.post("/tickets", json={"matter_id": 1}).json()
    for step in ("call-next", "start", "finish"):
        assert clerk.post(f"/windows/2/{step}").status_code == 200
    rated = pad.post(
        "/pads/2/rating",
        json={"ticket_id": ticket["id"], "level": 1, "phone": "13800001234", "tags": ["等候时间长"]},
    )
    assert rated.status_code == 201, rated.text
    matters = {m["code"]: m for m in clerk.get("/matters").json()["matters"]}
    case = open_case(clerk, matters["MZ003"])
    accepted = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "accept", "materials": all_submitted(matters["MZ003"]), "identity_checked": True},
    )
    assert accepted.status_code == 200, accepted.text
    return kiosk.post("/tickets", json={"matter_id": 1}).json()["id"]


def _stream(hall, token_key: str, last_ticket: int) -> list[dict]:
    received, stop = Received(), threading.Event()
    reader = threading.Thread(
        target=read_events,
        args=(f"{hall.base_url}/api/v1/events", hall.tokens[token_key], received, stop, 0),
        daemon=True,
    )
    reader.start()
    seen = received.wait_for(
        lambda evs: any(e["type"] == "ticket.issued" and e["data"]["ticket"]["id"] == last_ticket for e in evs)
    )
    stop.set()
    assert seen, f"{token_key} never received the last ticket"
    with received.lock:
        return list(received.events)


@pytest.fixture(scope="module")
def streams(tmp_path_factory):
    hall = start_live_hall(f"sqlite:///{tmp_path_factory.mktemp('visibility') / 'hall.db'}", "2026-11-26 10:00")
    try:
        last = _day_of_events(hall)
        yield {k: _stream(hall, k, last) for k in ("board", "kiosk", "pad-2", "supervisor", "clerk-2")}
    finally:
        hall.stop()


def test_board_kiosk_and_pad_streams_carry_no_rating_level_phone_name_or_case(streams):
    staff_names = {"陈晓梅", "王建国", "李娟", "张伟", "刘芳", "周德胜"}
    for key, role in (("board", "board"), ("kiosk", "kiosk"), ("pad-2", "pad")):
        events = streams[key]
        text = json.dumps([e["data"] for e in events], ensure_ascii=False)
        assert '"level"' not in text and '"label"' not in text and PHONE_TAIL not in text, key
        assert RESIDENT not in text and "张*三" not in text and '"case"' not in text, key
        assert {e["type"] for e in events} <= set(PUBLIC_VIEWS[role]), key
        if role != "board":  # the board shows the staff on duty (亮牌服务); kiosk and pad show none
            assert not any(name in text for name in staff_names), key
    # The pad still learns that its resident rated (and whether badly) to stop asking.
    [pad_rating] = [e for e in streams["pad-2"] if e["type"] == "rating.recorded"]
    assert set(pad_rating["data"]["rating"]) == {"ticket_id", "bad"} and pad_rating["data"]["rating"]["bad"] is True


def test_public_streams_keep_what_their_pages_show(streams):
    board = streams["board"]
    called = next(e for e in board if e["type"] == "ticket.called")
    assert called["data"]["ticket"]["number"] == "A001" and called["data"]["text"] == "请A001号到2号窗口办理"
    status = next(e for e in board if e["type"] == "window.status" and e["data"]["window_status"]["staff"])
    assert set(status["data"]["window_status"]["staff"]) >= {"name", "staff_no", "post"}
    assert any(isinstance(e["data"].get("waiting"), int) for e in streams["kiosk"] if e["type"] == "ticket.issued")


def test_staff_streams_still_get_the_rating_and_the_case(streams):
    supervisor = streams["supervisor"]
    [rating] = [e for e in supervisor if e["type"] == "rating.recorded"]
    assert rating["data"]["rating"]["level"] == 1 and rating["data"]["rating"]["phone"].endswith(PHONE_TAIL)
    assert any(e["type"] == "case.changed" for e in supervisor)
    assert any(e["type"] == "rating.recorded" for e in streams["clerk-2"])
