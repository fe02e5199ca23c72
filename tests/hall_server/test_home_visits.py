"""预约上门 over real HTTP: a request within visit hours goes to the supervisor's list, is assigned
to a staff member and a time, and the visitor records the case opened on the spot (or why not)."""

from __future__ import annotations

from datetime import datetime

from hall_server.core.clock import CHINA
from tests.cases.conftest import open_case


def request_visit(hall, start="2026-11-27T09:30", **extra):
    body = {
        "channel": "home_visit",
        "resident_name": "吴老太",
        "phone": "13955505555",
        "place": "斑竹园镇龙湾村3组12号",
        "visit_reason": "elderly",
        "slot_start": start,
        "matter_id": 1,
        **extra,
    }
    return hall.client("supervisor").post("/appointments", json=body)


def test_a_request_at_night_or_on_a_rest_day_is_refused_with_the_visit_hours(live_hall):
    for start in ("2026-11-28T22:30", "2026-11-27T20:00"):  # a Saturday night; a Friday evening
        r = request_visit(live_hall, start)
        assert r.status_code == 409 and "09:00-12:00" in r.json()["error"]["message"]
    no_reason = request_visit(live_hall, visit_reason=None)
    assert no_reason.status_code == 400 and "原因" in no_reason.json()["error"]["message"]
    assert live_hall.client("supervisor").get("/home-visits").json()["visits"] == []


def test_the_supervisor_assigns_a_visit_and_the_visitor_records_the_case_opened(live_hall):
    code = request_visit(live_hall).json()["code"]
    supervisor = live_hall.client("supervisor")
    listed = supervisor.get("/home-visits").json()
    assert listed["counts"]["open"] == 1 and listed["visits"][0]["place"].startswith("斑竹园镇")
    assigned = supervisor.post(f"/home-visits/{code}/assign", json={"staff_no": "BZY002", "start": "2026-11-27T14:30"})
    assert assigned.status_code == 200, assigned.text
    visit = assigned.json()["visits"][0]
    assert (
        visit["state"] == "assigned"
        and visit["staff_name"] == "王建国"
        and visit["start"].startswith("2026-11-27T14:30")
    )
    clerk = live_hall.client("clerk-2")
    matter = clerk.get("/matters").json()["matters"][0]
    case = open_case(clerk, matter, applicant_name="吴老太")
    done = clerk.post(f"/home-visits/{code}/outcome", json={"case_no": case["case_no"]})
    assert done.status_code == 200 and done.json()["visits"][0]["case_no"] == case["case_no"]
    assert done.json()["counts"]["done"] == 1


def test_an_assigned_visit_past_its_time_is_listed_overdue(live_hall):
    code = request_visit(live_hall).json()["code"]
    live_hall.client("supervisor").post(
        f"/home-visits/{code}/assign", json={"staff_no": "BZY001", "start": "2026-11-27T09:00"}
    )
    live_hall.clock.set(datetime(2026, 11, 27, 10, 30, tzinfo=CHINA))
    assert live_hall.client("supervisor").get("/home-visits").json()["counts"]["overdue"] == 1


def test_an_outcome_needs_a_real_case_or_a_reason_and_only_the_supervisor_assigns(live_hall):
    code = request_visit(live_hall).json()["code"]
    clerk = live_hall.client("clerk-1")
    assert (
        clerk.post(f"/home-visits/{code}/assign", json={"staff_no": "BZY001", "start": "2026-11-27T09:00"}).status_code
        == 403
    )
    live_hall.client("supervisor").post(
        f"/home-visits/{code}/assign", json={"staff_no": "BZY001", "start": "2026-11-27T09:00"}
    )
    assert clerk.post(f"/home-visits/{code}/outcome", json={}).json()["error"]["code"] == "home_visit_outcome_required"
    unknown = clerk.post(f"/home-visits/{code}/outcome", json={"case_no": "2026-09999"})
    assert unknown.status_code == 404
    why_not = clerk.post(f"/home-visits/{code}/outcome", json={"note": "户口簿不在家，约定下周再来"})
    assert why_not.status_code == 200 and why_not.json()["visits"][0]["status"] == "visit_failed"


def test_a_home_visit_code_is_not_checked_in_at_the_kiosk(live_hall):
    code = request_visit(live_hall, "2026-11-26T10:30").json()["code"]
    r = live_hall.client("kiosk").post("/tickets", json={"appointment_code": code})
    assert r.status_code == 409 and "上门" in r.json()["error"]["message"]


def test_the_visit_sheet_is_an_a4_pdf_with_the_address_checklist_and_staff(live_hall, tmp_path):
    from tests.cases.test_documents import pdf_text

    code = request_visit(live_hall).json()["code"]
    live_hall.client("supervisor").post(
        f"/home-visits/{code}/assign", json={"staff_no": "BZY002", "start": "2026-11-27T14:30"}
    )
    r = live_hall.client("clerk-2").get(f"/home-visits/{code}/sheet.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content, tmp_path, "visit-sheet")
    for expected in ("预约上门服务单", "龙湾村3组12号", "王建国", "老年人", "材料核对清单", "2026-11-27 14:30"):
        assert expected in text, expected
    assert live_hall.client("kiosk").get(f"/home-visits/{code}/sheet.pdf").status_code == 403


def test_visits_on_a_day_made_a_holiday_are_flagged_for_a_new_date_until_reassigned(live_hall):
    supervisor = live_hall.client("supervisor")
    requested = request_visit(live_hall, "2026-11-27T09:30").json()["code"]
    assigned = request_visit(live_hall, "2026-11-30T09:30").json()["code"]
    untouched = request_visit(live_hall, "2026-12-01T09:30").json()["code"]
    assert supervisor.post(
        f"/home-visits/{assigned}/assign", json={"staff_no": "BZY002", "start": "2026-11-30T14:30"}
    ).status_code == 200  # fmt: skip
    for day in ("2026-11-27", "2026-11-30"):  # the visits hold no seat: the change saves at once
        assert supervisor.put(f"/calendar/overrides/{day}", json={"kind": "holiday"}).status_code == 200
    listed = supervisor.get("/home-visits").json()
    flags = {v["code"]: (v["state"], v["needs_new_date"]) for v in listed["visits"]}
    assert flags == {
        requested: ("open", True),
        assigned: ("assigned", True),
        untouched: ("open", False),
    }
    assert listed["counts"]["needs_new_date"] == 2
    moved = supervisor.post(f"/home-visits/{assigned}/assign", json={"staff_no": "BZY002", "start": "2026-12-01T14:30"})
    assert {v["code"]: v["needs_new_date"] for v in moved.json()["visits"]}[assigned] is False
