"""Back-office in-tray, supervisor dashboard and residents' progress page in headless Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.cases.test_closed_loop import accept


def test_department_signs_for_and_approves_a_case_in_its_in_tray(hall, matters, browser):
    no = accept(hall, matters)
    hall.client("clerk-1").post(f"/cases/{no}/hand-over", json={})
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(f"{hall.base_url}/cases-ui/backoffice?token={hall.tokens['backoffice']}")
        row = page.locator(f"tr[data-case='{no}']")
        expect(row).to_contain_text("部门审批中", timeout=10000)
        expect(page.locator("#department")).to_have_text("民政办")
        row.locator("button.receive").click()
        expect(row.locator("button.receive")).to_have_count(0, timeout=10000)
        row.locator("button.approve").click()  # no result yet: said beside its box, nothing asked or sent
        expect(row.locator("label:has(input.result) .field-error")).to_contain_text("请填写")
        expect(page.locator("#confirm")).to_be_hidden()
        row.locator("input.result").fill("临时救助审批表")
        row.locator("button.approve").click()
        # Asked once more, with what will be recorded; 返回修改 records nothing.
        dialog = page.locator("#confirm")
        expect(dialog).to_contain_text("确认同意该办件？")
        expect(dialog).to_contain_text(f"办件号 {no} · 临时救助申请 · 申请人 张*三")
        expect(dialog).to_contain_text("结果：临时救助审批表")
        page.click("#confirm-back")
        expect(dialog).to_be_hidden()
        assert hall.client("clerk-1").get(f"/cases/{no}").json()["decision"] is None
        row.locator("button.approve").click()
        page.click("#confirm-ok")
        expect(page.locator("#done")).to_have_text(
            f"办件 {no} 已同意，结果“临时救助审批表”已记录。请将结果交回综合窗口出件。"
        )
        expect(row).to_contain_text("部门已办结", timeout=10000)
    finally:
        page.close()
    case = hall.client("clerk-1").get(f"/cases/{no}").json()
    assert case["decision"] == "approved" and case["result"] == "临时救助审批表" and case["received_at"]


def test_refusing_in_the_back_office_asks_for_the_reasons_then_confirms_them(hall, matters, device):
    no = accept(hall, matters)
    hall.client("clerk-1").post(f"/cases/{no}/hand-over", json={})
    page = device(width=1366, height=768)
    page.goto(f"{hall.base_url}/cases-ui/backoffice?token={hall.tokens['backoffice']}")
    row = page.locator(f"tr[data-case='{no}']")
    row.locator("button.receive").click()
    row.locator("input.result").fill("不予批准决定书")
    row.locator("button.reject").click()
    reasons = row.locator("textarea.reasons")
    expect(row.locator("label:has(textarea.reasons) .field-error")).to_contain_text("不予批准须写明理由")
    expect(reasons).to_be_focused()
    expect(page.locator("#confirm")).to_be_hidden()
    reasons.fill("申请人家庭人均收入超过当地标准")
    row.locator("button.reject").click()
    dialog = page.locator("#confirm")
    expect(dialog).to_contain_text("确认不予批准该办件？")
    expect(dialog).to_contain_text("不予批准的理由：申请人家庭人均收入超过当地标准")
    page.screenshot(path="/tmp/case_panel_shots/backoffice-confirm-reject-1366x768.png")
    page.click("#confirm-ok")
    expect(page.locator("#done")).to_contain_text(f"办件 {no} 已不予批准，理由已记录")
    expect(dialog).to_be_hidden()
    page.screenshot(path="/tmp/case_panel_shots/backoffice-rejected-1366x768.png")
    case = hall.client("clerk-1").get(f"/cases/{no}").json()
    assert case["decision"] == "rejected" and case["decision_reasons"] == "申请人家庭人均收入超过当地标准"


def test_supervisor_dashboard_shows_stages_and_rates(hall, matters, browser):
    accept(hall, matters)
    clerk = hall.client("clerk-2")
    escalated = clerk.post("/cases", json={"matter_id": matters["MZ004"]["id"], "applicant_name": "赵四"}).json()
    clerk.post(f"/cases/{escalated['case_no']}/outcome", json={"outcome": "escalate", "reasons": "条件不明"})
    hall.client("supervisor").post(
        f"/cases/{escalated['case_no']}/review", json={"action": "reject", "reasons": "年龄不符"}
    )
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(f"{hall.base_url}/cases-ui/dashboard?token={hall.tokens['supervisor']}")
        expect(page.locator(".stage[data-stage=accepted] .big")).to_have_text("1", timeout=10000)
        expect(page.locator("#rate-acceptance")).to_have_text("50.0%")  # 1 accepted of 2 answered
        expect(page.locator("#rate-completion")).to_have_text("0.0%")
        page.screenshot(path="/tmp/yichuang-case-dashboard.png", full_page=True)
    finally:
        page.close()


def test_a_resident_looks_up_progress_by_case_number_and_code_on_the_phone_page(hall, matters, browser):
    no = accept(hall, matters)
    code = hall.client("clerk-1").get(f"/cases/{no}").json()["query_code"]
    page = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        page.goto(f"{hall.base_url}/cases-ui/progress?no={no}&code={code}")
        expect(page.locator("#summary")).to_contain_text("张*三", timeout=10000)
        expect(page.locator("#summary")).to_contain_text("已受理")
        expect(page.locator("#steps li")).to_have_count(2)
        page.screenshot(path="/tmp/yichuang-case-progress-phone.png", full_page=True)
        page.fill("#no", "2026-99999")
        page.click("#query")
        expect(page.locator("#error")).to_contain_text("找不到办件号", timeout=10000)
    finally:
        page.close()


def test_dashboard_on_4_january_2027_shows_the_case_overdue_across_new_year(hall, matters, browser):
    from hall_server.core.clock import parse_local_time

    # chinesecalendar has no 2027 data: the hall enters 元旦 itself.
    hall.client("supervisor").put("/calendar/overrides/2027-01-01", json={"kind": "holiday", "note": "元旦"})
    hall.clock.set(parse_local_time("2026-12-17 10:00"))
    late = accept(hall, matters)  # 10 working days: due Thursday 2026-12-31
    hall.clock.set(parse_local_time("2027-01-04 09:30"))
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(f"{hall.base_url}/cases-ui/dashboard?token={hall.tokens['supervisor']}")
        row = page.locator(f"#overdue tr[data-case='{late}']")
        expect(row).to_have_class("overdue", timeout=10000)
        expect(row).to_contain_text("2026-12-31")
        page.screenshot(path="/tmp/yichuang-case-overdue-2027.png", full_page=True)
    finally:
        page.close()


def test_typing_in_the_back_office_survives_two_refreshes(hall, matters, browser):
    no = accept(hall, matters)
    clerk = hall.client("clerk-1")
    clerk.post(f"/cases/{no}/hand-over", json={})
    page = browser.new_page(locale="en-US", viewport={"width": 1366, "height": 768})
    try:
        page.clock.install()  # the 15-second refresh is run on demand
        page.goto(f"{hall.base_url}/cases-ui/backoffice?token={hall.tokens['backoffice']}")
        row = page.locator(f"tr[data-case='{no}']")
        # 签收 comes first: no decision buttons before the department has signed for the case.
        expect(row.locator("button.receive")).to_be_visible(timeout=10000)
        expect(row.locator("button.approve")).to_have_count(0)
        row.locator("button.receive").click()
        box = row.locator("textarea.reasons")
        box.click()
        box.type("申请人家庭收入")
        for _ in range(2):
            with page.expect_response(lambda r: r.url.endswith("/api/v1/cases/inbox")):
                page.clock.run_for(15_000)
            expect(row).to_be_attached()
        box.type("超过标准")
        expect(box).to_have_value("申请人家庭收入超过标准")
        expect(box).to_be_focused()
        expect(row.locator("label:has(textarea.reasons)")).to_contain_text("不予批准的理由")
        page.screenshot(path="/tmp/case_panel_shots/backoffice-typing.png")
        row.locator("input.result").fill("不予批准决定书")
        row.locator("button.reject").click()
        page.click("#confirm-ok")
        expect(row.locator("button.reject")).to_have_count(0, timeout=10000)
    finally:
        page.close()
    case = clerk.get(f"/cases/{no}").json()
    assert case["decision"] == "rejected" and case["decision_reasons"] == "申请人家庭收入超过标准"


def test_dashboard_tables_have_headers_and_say_due_today(hall, matters, browser):
    accept(hall, matters)
    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{hall.base_url}/cases-ui/dashboard?token={hall.tokens['supervisor']}")
        expect(page.locator("#overdue thead th").first).to_have_text("办件编号")
        expect(page.locator("#near-due thead th")).to_have_count(7)
    finally:
        page.close()
