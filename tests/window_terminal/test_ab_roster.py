"""AB岗 roster: the planned B is offered first on the take-over screen; anyone else takes the
post only with a reason; the hand-over log says planned or unplanned."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, login


@pytest.fixture
def planned(hall):
    """Window 2: A 王建国 (BZY002, signed in), B 张伟 (BZY004); 刘芳 (BZY005) is nobody's B."""
    sup = hall.client("supervisor")
    assert sup.put("/ab-roster/2", json={"a_staff_no": "BZY002", "b_staff_no": "BZY004"}).status_code == 200
    return hall


def test_take_over_screen_offers_the_planned_b_to_the_planned_b(planned, device, shot):
    page = device(1366, 768)
    login(page, planned, 2, "BZY004")
    expect(page.locator("#takeover-plan")).to_contain_text("计划接替：张伟（BZY004，B岗）")
    expect(page.locator("#takeover-plan")).to_contain_text("可直接接替")
    shot(page, "terminal-ab-planned-b")
    page.click("#signin-submit")
    expect(page.locator("#duty")).to_contain_text("张伟（BZY004，B岗）")
    shifts = planned.client("supervisor").get("/shifts").json()["shifts"]
    assert shifts[-1]["staff_no"] == "BZY004" and shifts[-1]["planned"] is True


def test_someone_else_is_told_the_planned_b_and_must_give_a_reason(planned, device):
    page = device(1366, 768)
    login(page, planned, 2, "BZY005")
    expect(page.locator("#takeover-plan")).to_contain_text("计划接替：张伟")
    expect(page.locator("#takeover-plan")).to_contain_text("须填写原因")
    page.click("#signin-submit")
    expect(page.locator("#toast")).to_contain_text("接替请填写原因")
    page.fill("#takeover-reason", "张伟下村走访")
    page.click("#signin-submit")
    expect(page.locator("#duty")).to_contain_text("刘芳")
    last = planned.client("supervisor").get("/shifts").json()["shifts"][-1]
    assert (last["staff_no"], last["planned"], last["takeover_reason"]) == ("BZY005", False, "张伟下村走访")


def test_a_b_on_leave_is_not_offered_and_then_needs_a_reason(planned):
    sup = planned.client("supervisor")
    assert (
        sup.put("/ab-roster/leave", json={"staff_no": "BZY004", "date": "2026-11-26", "on_leave": True}).status_code
        == 200
    )
    options = sup.get("/windows/2/takeover-options").json()
    assert options["planned"] is None  # A is the one on duty, B is on leave
    # B signs in at A's terminal with B's own password (nobody signs in another person).
    r = planned.client("clerk-2").post(
        "/windows/2/sign-in", json={"staff_no": "BZY004", "post": "B", "take_over": True, "password": PASSWORD}
    )
    assert r.status_code == 400 and "接替请填写原因" in r.json()["error"]["message"]


def test_the_roster_lists_plans_and_leave(planned):
    sup = planned.client("supervisor")
    sup.put("/ab-roster/leave", json={"staff_no": "BZY004", "date": "2026-11-27", "on_leave": True})
    roster = sup.get("/ab-roster", params={"month": "2026-11"}).json()
    post2 = next(p for p in roster["posts"] if p["window"] == 2)
    assert (post2["a"]["name"], post2["b"]["name"]) == ("王建国", "张伟")
    assert roster["leave"] == [{"staff_no": "BZY004", "name": "张伟", "date": "2026-11-27"}]


@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("/ab-roster/2", {"a_staff_no": "BZY002", "b_staff_no": "BZY002"}, 400, "不能既是A岗又是B岗"),
        ("/ab-roster/9", {"a_staff_no": "BZY002"}, 404, "9"),
        ("/ab-roster/2", {"a_staff_no": "NOBODY"}, 404, "NOBODY"),
        ("/ab-roster/leave", {"staff_no": "BZY004", "date": "tomorrow", "on_leave": True}, 400, "请写成 YYYY-MM-DD（"),
    ],
)
def test_bad_roster_input_gets_a_chinese_4xx(planned, path, body, status, words):
    r = planned.client("supervisor").put(path, json=body)
    assert r.status_code == status, r.text
    assert words in r.json()["error"]["message"]
    post2 = next(p for p in planned.client("supervisor").get("/ab-roster").json()["posts"] if p["window"] == 2)
    assert post2["b"]["staff_no"] == "BZY004"  # the plan stored before is intact


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("admin", 200), ("clerk-2", 403), ("board", 403)])
def test_who_may_plan_the_ab_roster(planned, role, status):
    c = planned.client(role)
    assert c.get("/ab-roster").status_code == status
    assert c.put("/ab-roster/2", json={"a_staff_no": "BZY002", "b_staff_no": "BZY004"}).status_code == status


@pytest.mark.parametrize(("role", "status"), [("clerk-2", 200), ("supervisor", 200), ("clerk-1", 403), ("kiosk", 403)])
def test_who_may_ask_for_the_take_over_options(planned, role, status):
    assert planned.client(role).get("/windows/2/takeover-options").status_code == status
