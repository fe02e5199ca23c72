"""The case panel as the clerk uses it, in headless Chromium: from the ticket on the terminal to
each window outcome (即办, 受理, 一次性告知 then 受理, 不予受理 through the supervisor)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.cases.conftest import case_frame, login_terminal, open_panel, start_case, tick_all_submitted


def pdf_behind(page, link, hall) -> bytes:
    """Fetch a PDF link the page shows, as the browser's print button would: a signed, short-lived
    address with no token in it."""
    expect(link).to_have_attribute("href", re.compile(r"\.pdf\?link="))
    href = link.get_attribute("href")
    assert "token" not in href and "yc_" not in href
    r = httpx.get(hall.base_url + href, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    return r.content


def test_terminal_button_opens_the_panel_for_the_served_ticket_and_acceptance_prints_a_notice(
    terminal_hall, matters, device, shot
):
    hall = terminal_hall
    matter = matters["MZ003"]
    ticket = hall.client("kiosk").post("/tickets", json={"matter_id": matter["id"]}).json()
    page = device()
    login_terminal(page, hall)
    page.click("#act-call-next")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    page.click("#act-start")
    button = page.locator("#open-case")
    expect(button).to_have_text("受理办件")
    shot(page, "terminal-with-case-button")

    button.click()
    terminal, page = page, case_frame(page)
    # Beside the queue: the terminal's number, keys and line stay on screen, and no token is in any address.
    expect(terminal.locator("#current-number")).to_be_visible()
    expect(terminal.locator("#act-finish-next")).to_be_visible()
    assert "token" not in page.url and "token" not in terminal.url
    expect(page.locator("#to-window")).to_be_hidden()
    expect(page.locator("#title")).to_have_text("1号窗口 · 办件")
    expect(page.locator("#ticket-badge")).to_have_text(f"当前号 {ticket['number']}")
    # The ticket's matter is already chosen: the clerk only types the applicant.
    expect(page.locator("#matter")).to_have_value(str(matter["id"]))
    page.fill("#applicant", "王大山")
    page.fill("#phone", "13900005678")
    page.click("#open")
    expect(page.locator("#case-state")).to_have_text("登记中")
    tick_all_submitted(page)
    page.click("button[data-outcome=accept]")
    expect(page.locator("#case-state")).to_have_text("已受理")
    notice = page.locator("#notice .doc[data-kind=acceptance]")
    expect(notice).to_contain_text("受理通知书 斑受〔2026〕0001号")
    expect(page.locator("#hand-over")).to_be_visible()
    shot(terminal, "panel-after-acceptance")
    assert pdf_behind(page, notice.locator("a"), hall).startswith(b"%PDF")

    case = hall.client("clerk-1").get("/cases/2026-00001").json()
    assert case["ticket_id"] == ticket["id"] and case["state"] == "accepted" and case["owner_window"] == 1
    # And the terminal beside it still serves the same resident.
    expect(terminal.locator("#current-number")).to_have_text(ticket["number"])


def test_an_immediate_matter_is_done_at_the_window_and_goes_straight_to_delivery(hall, matters, device):
    page = device()
    open_panel(page, hall)
    start_case(page, matters["RS001"], "张小三")  # 养老保险参保登记, 即办
    tick_all_submitted(page)
    page.fill("#result", "参保登记完成，打印参保凭证1份")
    page.click("button[data-outcome=immediate]")
    expect(page.locator("#case-state")).to_have_text("结果已取回窗口")
    expect(page.locator("#notice .doc[data-kind=result]")).to_contain_text("办结通知单")
    expect(page.locator("#deliver-box")).to_be_visible()
    expect(page.locator("#recipient")).to_have_value("张小三")
    expect(page.locator("#relation")).to_have_value("本人")
    case = hall.client("clerk-1").get("/cases/2026-00001").json()
    assert case["outcome"] == "immediate" and case["state"] == "returned"


def test_after_a_one_time_notice_the_resident_returns_and_the_same_case_is_accepted(hall, matters, device):
    matter = matters["MZ003"]
    page = device()
    open_panel(page, hall)
    start_case(page, matter)
    page.locator("#checklist tr").nth(0).locator("input[value=submitted]").check()
    page.check("input[name=outcome][value=supplement]")
    page.click("button[data-outcome=supplement]")
    expect(page.locator("#case-state")).to_have_text("待补正材料")
    expect(page.locator("#notice")).to_contain_text("一次性告知书")
    code = hall.client("clerk-1").get("/cases/2026-00001").json()["query_code"]

    # Days later, at another window: the clerk finds the case by the number and code on the notice.
    hall.clock.advance(days=2)
    again = device()
    open_panel(again, hall, role="clerk-2", window=2)
    again.fill("#lookup", "2026-00001")
    again.click("#load")
    expect(again.locator("#error")).to_contain_text("1号窗口")  # the number alone opens nothing
    again.fill("#lookup-code", code)
    again.click("#load")
    expect(again.locator("#case-state")).to_have_text("待补正材料")
    again.click("#resume")
    expect(again.locator("#case-state")).to_have_text("登记中")
    tick_all_submitted(again)
    again.click("button[data-outcome=accept]")
    expect(again.locator("#case-state")).to_have_text("已受理")
    expect(again.locator("#notice .doc[data-kind=acceptance]")).to_contain_text("受理通知书")

    case = hall.client("clerk-1").get("/cases/2026-00001").json()
    assert case["state"] == "accepted"
    assert [s["action"] for s in case["history"]] == ["open", "supplement", "resume", "accept"]


def test_the_window_escalates_and_only_the_supervisor_says_no(hall, matters, device):
    clerk = device()
    open_panel(clerk, hall)
    start_case(clerk, matters["MZ004"], "赵四")
    clerk.check("input[name=outcome][value=escalate]")
    clerk.fill("#reasons", "申请人年龄不符合条件")
    clerk.click("button[data-outcome=escalate]")
    expect(clerk.locator("#case-state")).to_have_text("负责人审核中")
    expect(clerk.locator("#step-info")).to_contain_text("等待负责人决定")
    expect(clerk.locator("#review")).to_be_hidden()  # 窗口无否决权

    boss = device()
    open_panel(boss, hall, role="supervisor", case="2026-00001")
    expect(boss.locator("#step-info")).to_contain_text("申请人年龄不符合条件")
    boss.fill("#review-reasons", "年满60周岁方可申请")
    boss.fill("#redirect-to", "县民政局")
    boss.click("#review-reject")
    expect(boss.locator("#case-state")).to_have_text("不予受理")
    expect(boss.locator("#notice .doc[data-kind=rejection]")).to_contain_text("不予受理通知书")
    # The window sees the supervisor's decision without reloading, and what to tell the resident.
    expect(clerk.locator("#case-state")).to_have_text("不予受理")
    expect(clerk.locator("#step-info")).to_contain_text("请告知群众向县民政局申请")

    case = hall.client("clerk-1").get("/cases/2026-00001").json()
    assert case["state"] == "rejected" and case["reject_reasons"] == "年满60周岁方可申请"


def test_all_received_ticks_the_required_materials_and_only_the_chosen_outcomes_fields_show(hall, matters, device):
    page = device(width=1366, height=768)
    open_panel(page, hall)
    start_case(page, matters["MZ004"], "王大山")  # 承诺件 with an optional 代办委托书: 受理 is chosen first
    expect(page.locator("input[name=outcome][value=accept]")).to_be_checked()
    expect(page.locator("#delivery")).to_be_visible()
    expect(page.locator("#result")).to_be_hidden()
    expect(page.locator("#reasons")).to_be_hidden()
    expect(page.locator("button[data-outcome=escalate]")).to_be_hidden()
    page.click("#all-submitted")
    required = [m["name"] for m in matters["MZ004"]["materials"] if m["required"]]
    for name in required:
        expect(page.locator(f"#checklist tr[data-material='{name}'] input[value=submitted]")).to_be_checked()
    # The optional proxy letter stays a deliberate choice: it is not printed as received by one click.
    proxy_letter = page.locator("#checklist tr[data-material='代办委托书']")
    expect(proxy_letter.locator("input[value=submitted]")).not_to_be_checked()
    expect(proxy_letter.locator("input[value=not_applicable]")).to_be_checked()
    page.click("button[data-outcome=accept]")  # identity not yet checked: said beside its box
    expect(page.locator("label:has(#identity) .field-error")).to_contain_text("身份")
    page.check("input[name=outcome][value=escalate]")
    expect(page.locator("#reasons")).to_be_visible()
    expect(page.locator("#delivery")).to_be_hidden()
    page.click("button[data-outcome=escalate]")
    # The error stands beside the empty field, not in the header.
    expect(page.locator("label:has(#reasons) .field-error")).to_have_text("请填写“情况说明（提交负责人）”。")
    expect(page.locator("#reasons")).to_be_focused()
    assert hall.client("clerk-1").get("/cases/2026-00001").json()["state"] == "open"


def test_panel_controls_are_large_enough_to_touch(hall, matters, device):
    page = device(width=1366, height=768)
    open_panel(page, hall)
    start_case(page, matters["MZ003"], "王大山")
    small = page.evaluate(
        """() => [...document.querySelectorAll('#work button, #work label.status, #work label.choice')]
             .filter((e) => e.offsetParent !== null)
             .map((e) => [e.textContent.trim(), e.getBoundingClientRect().height])
             .filter(([, h]) => h < 44)"""
    )
    assert small == []
