"""预约上门 queue in headless Chromium (1366×768, the supervisor's real log-in): a request is
assigned to a staff member and a time, then the case opened at the home is recorded."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.cases.conftest import open_case
from tests.window_terminal.conftest import supervisor_login


def test_the_supervisor_assigns_a_home_visit_and_records_the_case_opened(device, hall, shot):
    request = {
        "channel": "home_visit", "resident_name": "吴老太", "phone": "13955505555", "place": "龙湾村3组12号",
        "visit_reason": "disabled", "slot_start": "2026-11-27T09:30", "matter_id": 1,
    }  # fmt: skip
    code = hall.client("supervisor").post("/appointments", json=request).json()["code"]
    page = device(1366, 768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/visits")
    row = f"tr[data-code='{code}']"
    page.wait_for_selector(row)
    assert "待安排" in page.inner_text(row) and "残疾人" in page.inner_text(row)
    page.fill(f"{row} .staff", "BZY002")
    page.fill(f"{row} .when", "2026-11-27T14:30")
    page.click(f"{row} .assign")
    page.wait_for_function(f"() => document.querySelector(\"{row}\").textContent.includes('已安排')")
    assert "王建国" in page.inner_text(row)
    clerk = hall.client("clerk-2")
    case = open_case(clerk, clerk.get("/matters").json()["matters"][0], applicant_name="吴老太")
    page.fill(f"{row} .case-no", case["case_no"])
    page.click(f"{row} .record")
    page.wait_for_function(f"() => document.querySelector(\"{row}\").textContent.includes('已办结')")
    assert case["case_no"] in page.inner_text(row) and "已办结 1" in page.inner_text("#counts")
    shot(page, "home_visit_queue")


def test_an_assignment_outside_the_visit_hours_is_explained_and_changes_nothing(device, hall):
    request = {
        "channel": "home_visit", "resident_name": "吴老太", "phone": "13955505555", "place": "龙湾村3组12号",
        "visit_reason": "elderly", "slot_start": "2026-11-27T09:30",
    }  # fmt: skip
    code = hall.client("supervisor").post("/appointments", json=request).json()["code"]
    page = device(1366, 768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/visits")
    row = f"tr[data-code='{code}']"
    page.wait_for_selector(row)
    page.fill(f"{row} .staff", "BZY002")
    page.fill(f"{row} .when", "2026-11-28T22:30")
    page.click(f"{row} .assign")
    page.wait_for_function("() => document.getElementById('error').textContent.includes('上门服务只在工作日')")
    assert "待安排" in page.inner_text(row)


def test_a_visit_on_a_day_made_a_holiday_shows_it_needs_a_new_date_until_reassigned(device, hall, shot):
    request = {
        "channel": "home_visit", "resident_name": "吴老太", "phone": "13955505555", "place": "龙湾村3组12号",
        "visit_reason": "elderly", "slot_start": "2026-11-27T09:30",
    }  # fmt: skip
    supervisor = hall.client("supervisor")
    code = supervisor.post("/appointments", json=request).json()["code"]
    assert supervisor.put("/calendar/overrides/2026-11-27", json={"kind": "holiday"}).status_code == 200
    page = device(1366, 768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/visits")
    row = f"tr[data-code='{code}']"
    page.wait_for_selector(row)
    assert "请改期" in page.inner_text(row) and "需改期 1" in page.inner_text("#counts")
    shot(page, "home_visit_needs_new_date")
    page.fill(f"{row} .staff", "BZY002")
    page.fill(f"{row} .when", "2026-11-30T09:30")
    page.click(f"{row} .assign")
    page.wait_for_function(f"() => document.querySelector(\"{row}\").textContent.includes('已安排')")
    assert "请改期" not in page.inner_text(row) and "需改期" not in page.inner_text("#counts")


def test_the_visit_list_uses_the_whole_width_and_scrolls_to_its_last_request_at_1366x768(device, hall):
    supervisor = hall.client("supervisor")
    codes = []
    for n in range(16):
        request = {
            "channel": "home_visit", "resident_name": f"吴老{n}", "phone": f"139555{n:05d}", "place": f"龙湾村{n}组",
            "visit_reason": "elderly", "slot_start": "2026-11-27T09:30",
        }  # fmt: skip
        answer = supervisor.post("/appointments", json=request)
        assert answer.status_code == 201, answer.text
        codes.append(answer.json()["code"])
    page = device(1366, 768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/visits")
    last = page.locator(f"tr[data-code='{codes[-1]}']")
    last.wait_for()
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    assert page.evaluate("document.querySelector('#visits').getBoundingClientRect().width") > 1300
