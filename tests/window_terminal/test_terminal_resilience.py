"""Nothing a clerk does is lost by a reload or a double click; two windows never get one ticket."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.support.held_answers import HeldAnswers, shown, watch

from .conftest import issue, login


def test_reload_mid_service_restores_the_current_ticket(hall, device):
    tickets = issue(hall, 1)
    page = device()
    login(page, hall, 1, "BZY001")
    page.click("#act-call-next")
    page.click("#act-start")
    expect(page.locator("#current-state")).to_have_text("办理中")
    page.reload()
    expect(page.locator("#current-number")).to_have_text(tickets[0]["number"])
    expect(page.locator("#current-state")).to_have_text("办理中")
    expect(page.locator("#act-finish")).to_be_enabled()


def test_double_click_on_call_next_calls_one_ticket(hall, device):
    tickets = issue(hall, 2)
    page = device()
    login(page, hall, 1, "BZY001")
    expect(page.locator("#act-call-next")).to_be_enabled()
    page.dblclick("#act-call-next")
    expect(page.locator("#current-number")).to_have_text(tickets[0]["number"])
    line = hall.client("supervisor").get("/queue").json()
    assert [t["number"] for t in line["waiting"]] == [tickets[1]["number"]]


def test_two_clerks_calling_at_the_same_instant_get_different_tickets(hall, device):
    tickets = issue(hall, 2)
    pages = []
    for window, staff_no in ((1, "BZY001"), (2, "BZY002")):
        page = device()
        login(page, hall, window, staff_no)
        expect(page.locator("#act-call-next")).to_be_enabled()
        pages.append(page)
    # Both pages click at the same wall-clock moment (their own timers), not one after the other.
    at = int(time.time() * 1000) + 400
    for page in pages:
        page.evaluate("at => setTimeout(() => document.getElementById('act-call-next').click(), at - Date.now())", at)
    numbers = []
    for page in pages:
        expect(page.locator("#current-number")).to_be_visible()
        numbers.append(page.locator("#current-number").inner_text())
    assert sorted(numbers) == sorted(t["number"] for t in tickets)


def test_terminal_follows_actions_taken_elsewhere(hall, device):
    """The supervisor moves window 3's ticket back to the line: window 3's page updates by itself."""
    tickets = issue(hall, 1)
    page = device()
    login(page, hall, 3, "BZY003")
    page.click("#act-call-next")
    expect(page.locator("#current-number")).to_have_text(tickets[0]["number"])
    r = hall.client("supervisor").post("/windows/3/transfer", json={"to": "line"})
    assert r.status_code == 200, r.text
    expect(page.locator("#no-current")).to_be_visible()
    expect(page.locator("#line li")).to_have_count(1)


def test_an_older_desk_answer_arriving_last_does_not_bring_back_the_number_just_finished(hall, device):
    first, second = issue(hall, 2)
    page = device()
    login(page, hall, 1, "BZY001")
    page.click("#act-call-next")
    page.click("#act-start")
    expect(page.locator("#current-state")).to_have_text("办理中")
    late = HeldAnswers(page, "**/api/v1/windows/1/desk")
    issue(hall, 1)  # the kiosk prints a number: the terminal asks for its desk again, and waits
    late.wait()
    serving_first = late.answer_now()  # the desk as it is now: the first number still being served
    page.click("#act-finish-next")  # 办结并叫下一位: its own desk answer comes back at once
    expect(page.locator("#current-number")).to_have_text(second["number"])
    watch(page, "document.getElementById('current-number')?.textContent")
    late.release(0, serving_first)
    assert shown(page) == [second["number"]]  # the first number never came back, not even for a moment
