"""A rating counts only when it comes from the resident's side: the serving window's pad during or
right after the service, or the phone link of a slip the resident took at a kiosk. Staff never hold
a slip key; a ticket they issue for someone is marked so and its rating counted apart."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from hall_server.storage.models import RatingLink, Ticket

DAY = {"from": "2026-11-26", "to": "2026-11-26"}


def _serve_at(hall, window: int, ticket_id: int) -> None:
    clerk = hall.client(f"clerk-{window}")
    called = clerk.post(f"/windows/{window}/call-next")
    assert called.status_code == 200 and called.json()["ticket"]["id"] == ticket_id, called.text
    assert clerk.post(f"/windows/{window}/start").status_code == 200
    assert clerk.post(f"/windows/{window}/finish").status_code == 200


def _clerk_row(hall, staff_no: str) -> dict:
    rows = hall.client("supervisor").get("/ratings/figures", params={**DAY, "by": "clerk"}).json()["rows"]
    return next(r for r in rows if staff_no in r["label"])


def _key_of(hall, ticket_id: int) -> str:
    with hall.server.db.read() as conn:
        return conn.execute(select(Ticket.public_key).where(Ticket.id == ticket_id)).scalar_one()


def test_a_clerk_cannot_rate_his_own_service_through_a_ticket_he_issued(live_hall):
    """The back door as found: clerk token → POST /tickets → call, start, finish → a link with the
    slip's key → 非常满意. The key never reaches the clerk, and even a key read off the server does
    not open a link for a ticket staff issued; BZY003's 好评率 stays unrated."""
    hall = live_hall
    issued = hall.client("clerk-3").post("/tickets", json={})
    assert issued.status_code == 201, issued.text
    ticket = issued.json()
    assert "public_key" not in ticket and ticket["issued_by_staff"] is True
    _serve_at(hall, 3, ticket["id"])
    leaked = _key_of(hall, ticket["id"])  # as if the key had leaked some other way
    link = httpx.post(hall.base_url + "/api/v1/ratings/links", json={"ticket_id": ticket["id"], "key": leaked})
    assert link.status_code == 404, link.text
    assert "ticket_not_found" == link.json()["error"]["code"]
    row = _clerk_row(hall, "BZY003")
    assert row["rated"] == 0 and row["good_rate"] is None


@pytest.mark.parametrize("role", ["clerk-2", "supervisor", "admin"])
def test_staff_issuing_a_ticket_get_no_slip_key_and_the_ticket_is_marked_issued_by_staff(live_hall, role):
    r = live_hall.client(role).post("/tickets", json={"request_id": f"for-elder-{role}"})
    assert r.status_code == 201, r.text
    assert "public_key" not in r.json() and r.json()["issued_by_staff"] is True
    again = live_hall.client(role).post("/tickets", json={"request_id": f"for-elder-{role}"})  # a retry
    assert again.status_code == 200 and "public_key" not in again.json()


def test_the_kiosk_gets_the_slip_key_and_the_residents_link_records_where_it_was_asked_from(live_hall):
    hall = live_hall
    issued = hall.client("kiosk").post("/tickets", json={}).json()
    assert issued["public_key"] and issued["issued_by_staff"] is False
    _serve_at(hall, 3, issued["id"])
    body = {"ticket_id": issued["id"], "key": issued["public_key"]}
    made = httpx.post(hall.base_url + "/api/v1/ratings/links", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["created_by"] == "resident: slip key from 127.0.0.1"
    rated = httpx.post(hall.base_url + f"/api/v1/ratings/by-link/{made.json()['token']}", json={"level": 5})
    assert rated.status_code == 201 and rated.json()["rating"]["assisted"] is False
    row = _clerk_row(hall, "BZY003")
    assert (row["rated"], row["good_rate"], row["assisted_rated"]) == (1, 1.0, 0)
    with hall.server.db.read() as conn:
        assert conn.execute(select(RatingLink.created_by)).scalars().all() == ["resident: slip key from 127.0.0.1"]


def test_a_slip_key_sent_with_a_device_token_makes_no_link(live_hall):
    hall = live_hall
    issued = hall.client("kiosk").post("/tickets", json={}).json()
    _serve_at(hall, 2, issued["id"])
    body = {"ticket_id": issued["id"], "key": issued["public_key"]}
    for role in ("clerk-2", "supervisor", "admin", "kiosk", "board", "pad-2"):
        r = hall.client(role).post("/ratings/links", json=body)
        assert r.status_code == 403, (role, r.text)
        assert r.json()["error"]["message"]
    with hall.server.db.read() as conn:
        assert conn.execute(select(RatingLink.id)).first() is None


def test_the_serving_pad_rates_a_staff_issued_service_which_the_figures_count_apart(live_hall):
    hall = live_hall
    ticket = hall.client("clerk-1").post("/tickets", json={}).json()
    _serve_at(hall, 1, ticket["id"])
    r = hall.client("pad-1").post("/pads/1/rating", json={"ticket_id": ticket["id"], "level": 5})
    assert r.status_code == 201 and r.json()["rating"]["assisted"] is True
    row = _clerk_row(hall, "BZY001")
    assert (row["rated"], row["good_rate"], row["assisted_rated"], row["assisted_good_rate"]) == (0, None, 1, 1.0)
    assert row["services"] == 1 and row["unrated"] == 0
    listing = hall.client("supervisor").get("/ratings").json()
    assert listing["ratings"][0]["assisted"] is True and listing["good_rate"] is None


def test_the_pad_makes_a_link_only_right_after_the_service(live_hall):
    hall = live_hall
    issued = hall.client("kiosk").post("/tickets", json={}).json()
    _serve_at(hall, 2, issued["id"])
    hall.clock.advance(minutes=30)
    late = hall.client("pad-2").post("/ratings/links", json={"ticket_id": issued["id"]})
    assert late.status_code == 409 and late.json()["error"]["code"] == "rating_not_open"
    # The resident holding the slip may still rate later.
    body = {"ticket_id": issued["id"], "key": issued["public_key"]}
    assert httpx.post(hall.base_url + "/api/v1/ratings/links", json=body).status_code == 201
