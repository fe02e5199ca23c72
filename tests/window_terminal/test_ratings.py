"""一次一评: a pad rates only its own window's just-finished service, once, within the time limit."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.support.held_answers import HeldAnswers, shown, watch

from .conftest import issue


def _serve(hall, window: int) -> dict:
    issue(hall, 1)
    clerk = hall.client(f"clerk-{window}")
    ticket = clerk.post(f"/windows/{window}/call-next").json()["ticket"]
    clerk.post(f"/windows/{window}/start")
    clerk.post(f"/windows/{window}/finish")
    return ticket


def test_pad_corrects_a_mis_tap_within_its_time_then_the_rating_is_final(hall):
    ticket = _serve(hall, 2)
    pad = hall.client("pad-2")
    first = pad.post("/pads/2/rating", json={"ticket_id": ticket["id"], "level": 5})
    corrected = pad.post("/pads/2/rating", json={"ticket_id": ticket["id"], "level": 1})
    assert first.status_code == 201 and corrected.status_code == 201
    hall.clock.advance(minutes=3)
    again = pad.post("/pads/2/rating", json={"ticket_id": ticket["id"], "level": 4})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    ratings = hall.client("supervisor").get("/ratings").json()["ratings"]
    assert [(r["ticket_id"], r["level"]) for r in ratings] == [(ticket["id"], 1)]


def test_pad_cannot_rate_another_windows_service(hall):
    ticket = _serve(hall, 2)
    for path in ("/pads/2/rating", "/pads/1/rating"):
        r = hall.client("pad-1").post(path, json={"ticket_id": ticket["id"], "level": 5})
        assert r.status_code in (403, 409), r.text
    assert hall.client("supervisor").get("/ratings").json()["count"] == 0


def test_service_left_unrated_past_the_time_limit_cannot_be_rated_at_the_pad(hall):
    ticket = _serve(hall, 1)
    hall.clock.advance(minutes=3)
    r = hall.client("pad-1").post("/pads/1/rating", json={"ticket_id": ticket["id"], "level": 4})
    assert r.status_code == 409 and r.json()["error"]["code"] == "rating_not_open"
    assert hall.client("pad-1").get("/pads/1/state").json()["pending"] is None


def test_resident_rates_later_once_through_the_slips_link(hall, device, shot):
    issued = issue(hall, 1)[0]
    clerk = hall.client("clerk-3")
    ticket = clerk.post("/windows/3/call-next").json()["ticket"]
    clerk.post("/windows/3/start")
    clerk.post("/windows/3/finish")
    hall.clock.advance(minutes=30)
    # The phone page opened from the slip's QR holds only the ticket id and its public key.
    r = httpx.post(
        hall.base_url + "/api/v1/ratings/links", json={"ticket_id": ticket["id"], "key": issued["public_key"]}
    )
    assert r.status_code == 201, r.text
    link = r.json()
    page = device(width=420, height=860)
    page.goto(f"{hall.base_url}/rate/{link['token']}")
    expect(page.locator("#ask-service")).to_contain_text(ticket["number"])
    page.click("button[data-level='4']")
    expect(page.locator("#thanks-text")).to_have_text("感谢您的评价！")
    hall.clock.advance(minutes=3)  # past the time in which the phone may still correct a mis-tap
    page.goto(f"{hall.base_url}/rate/{link['token']}")
    expect(page.locator("#thanks-text")).to_have_text("这次服务已经评价过了，感谢您的参与。")
    ratings = hall.client("supervisor").get("/ratings").json()["ratings"]
    assert [(r["number"], r["level"], r["channel"]) for r in ratings] == [(ticket["number"], 4, "link")]


def test_bad_rating_reasons_must_come_from_the_halls_list(hall):
    ticket = _serve(hall, 2)
    r = hall.client("pad-2").post(
        "/pads/2/rating", json={"ticket_id": ticket["id"], "level": 1, "tags": ["不存在的原因"]}
    )
    assert r.status_code == 400 and "等候时间长" in r.json()["error"]["message"]


def test_touch_pad_stops_asking_when_the_service_was_rated_elsewhere(hall, device):
    pad = device()
    pad.goto(f"{hall.base_url}/pad/2?token={hall.tokens['pad-2']}")
    expect(pad.locator("#idle")).to_be_visible()
    ticket = _serve(hall, 2)
    expect(pad.locator("#asking")).to_be_visible()
    hall.client("pad-2").post("/pads/2/rating", json={"ticket_id": ticket["id"], "level": 5})
    expect(pad.locator("#thanks")).to_be_visible()


def test_reasons_sent_after_the_next_resident_was_served_are_still_added(hall):
    first = _serve(hall, 1)
    pad = hall.client("pad-1")
    assert pad.post("/pads/1/rating", json={"ticket_id": first["id"], "level": 1}).status_code == 201
    second = _serve(hall, 1)  # the clerk finishes the next resident while the first still ticks reasons
    late = pad.post(
        "/pads/1/rating", json={"ticket_id": first["id"], "level": 1, "tags": ["多次跑腿"], "phone": "13900005555"}
    )
    assert late.status_code == 201
    rows = {r["ticket_id"]: r for r in hall.client("supervisor").get("/ratings").json()["ratings"]}
    assert (rows[first["id"]]["tags"], rows[first["id"]]["phone"]) == (["多次跑腿"], "139****5555")
    assert hall.client("pad-1").get("/pads/1/state").json()["pending"]["ticket_id"] == second["id"]


def test_an_older_pad_state_arriving_last_does_not_put_the_pad_back_to_idle_while_the_resident_should_rate(
    hall, device
):
    pad = device(width=1280, height=800)
    pad.goto(f"{hall.base_url}/pad/2?token={hall.tokens['pad-2']}")
    expect(pad.locator("#idle")).to_be_visible()
    late = HeldAnswers(pad, "**/api/v1/pads/2/state")
    issue(hall, 1)
    clerk = hall.client("clerk-2")
    ticket = clerk.post("/windows/2/call-next").json()["ticket"]  # the pad asks for its state, and waits
    late.wait()
    nothing_to_rate = late.answer_now()
    clerk.post("/windows/2/start")
    clerk.post("/windows/2/finish")
    expect(pad.locator("#asking")).to_be_visible()
    expect(pad.locator("#ask-service")).to_contain_text(ticket["number"])
    watch(pad, "document.body.dataset.screen")
    late.release(0, nothing_to_rate)
    assert shown(pad) == ["asking"]  # never back to idle, not even for a moment
