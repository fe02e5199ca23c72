"""A return-lane number (补交材料 / 领取结果) opens its case in the terminal's case panel as soon as it
is called: the clerk never searches for the case the resident came back for."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import case_frame, login_terminal, open_case
from tests.support.announced import hear_all_calls


@pytest.fixture
def waiting_case(terminal_hall, matters):
    """A case of window 2 waiting for a missing material (一次性告知), and its resident's F001."""
    clerk = terminal_hall.client("clerk-2")
    matter = matters["MZ001"]
    case = open_case(clerk, matter)
    first = next(m["name"] for m in matter["materials"] if m["required"])
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "supplement", "materials": [{"name": first, "status": "submitted"}]},
    )
    assert r.status_code == 200, r.text
    ticket = terminal_hall.client("kiosk").post("/tickets", json={"case_no": case["case_no"], "phone_tail": "1234"})
    assert ticket.status_code == 201, ticket.text
    return r.json(), ticket.json()


def test_calling_a_return_number_opens_its_case_beside_the_queue(terminal_hall, waiting_case, device, shot):
    case, ticket = waiting_case
    page = device(width=1366, height=768)
    login_terminal(page, terminal_hall, 2)
    page.click("#act-call-next")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    panel = case_frame(page)
    expect(panel.locator("#case-no")).to_have_text(case["case_no"])
    expect(panel.locator("#resume")).to_be_visible()  # 补交材料: the same case continues
    expect(page.locator("#case-side")).to_be_visible()
    shot(page, "terminal-return-case-opened-zh")
    # Put aside, it stays closed: the number is still the same, nothing reopens it on each refresh.
    page.click("#case-close")
    page.click("#act-start")
    expect(page.locator("#current-state")).to_have_text("办理中")
    expect(page.locator("#case-side")).to_be_hidden()
    expect(page.locator("#open-case")).to_have_text(f"打开办件 {case['case_no']}")


def test_another_window_calling_the_return_number_may_open_its_case(terminal_hall, waiting_case, device, shot):
    case, ticket = waiting_case
    clerk_1 = terminal_hall.client("clerk-1")
    assert clerk_1.get(f"/cases/{case['case_no']}").status_code == 403  # window 2's case, resident not here
    assert terminal_hall.client("clerk-2").post("/windows/2/sign-out", json={"reason": "请假"}).status_code == 200
    page = device(width=1366, height=768)
    login_terminal(page, terminal_hall, 1)
    page.click("#language")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("#act-call-next")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    panel = page.frame_locator("#case-frame")  # in English: its title is not 号窗口
    expect(panel.locator("#case-no")).to_have_text(case["case_no"])
    shot(page, "terminal-return-case-opened-en")
    assert clerk_1.get(f"/cases/{case['case_no']}").status_code == 200  # while the resident is at window 1
    clerk_1.post("/windows/1/recall").raise_for_status()
    hear_all_calls(terminal_hall.server, terminal_hall.hall_id)  # the hall's voice said both calls
    terminal_hall.clock.advance(seconds=20)  # and the resident had the hall's wait to come up
    assert clerk_1.post("/windows/1/no-show").status_code == 200
    assert clerk_1.get(f"/cases/{case['case_no']}").status_code == 403  # gone again with the number
