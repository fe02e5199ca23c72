"""The return lane (补交材料 / 领取结果): a resident back with a case number from the notice and the
phone's last 4 digits gets a priority ticket that the case's owning window calls first while it
is staffed (首问负责), any window otherwise."""

from __future__ import annotations

import pytest

from tests.cases.conftest import open_case


@pytest.fixture
def supplement_case(live_hall):
    """A case opened at window 2 that is waiting for missing materials (一次性告知 issued)."""
    clerk = live_hall.client("clerk-2")
    matter = next(m for m in clerk.get("/matters").json()["matters"] if m["code"] == "MZ001")
    case = open_case(clerk, matter)
    first = next(m["name"] for m in matter["materials"] if m["required"])
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "supplement", "materials": [{"name": first, "status": "submitted"}]},
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_a_returning_resident_gets_a_return_lane_ticket(live_hall, supplement_case):
    r = live_hall.client("kiosk").post("/tickets", json={"case_no": supplement_case["case_no"], "phone_tail": "1234"})
    assert r.status_code == 201, r.text
    ticket = r.json()
    assert ticket["number"] == "F001" and ticket["channel"] == "return" and ticket["owner_window"] == 2


def test_the_owning_window_calls_the_return_ticket_first_and_other_windows_pass_it_over(live_hall, supplement_case):
    kiosk = live_hall.client("kiosk")
    kiosk.post("/tickets", json={"matter_id": 1})  # A001, earlier
    kiosk.post("/tickets", json={"case_no": supplement_case["case_no"], "phone_tail": "1234"})
    kiosk.post("/tickets", json={"matter_id": 1})  # A002
    assert live_hall.client("clerk-1").post("/windows/1/call-next").json()["ticket"]["number"] == "A001"
    assert live_hall.client("clerk-2").post("/windows/2/call-next").json()["ticket"]["number"] == "F001"


def test_any_window_calls_the_return_ticket_when_its_owner_is_not_staffed(live_hall, supplement_case):
    kiosk = live_hall.client("kiosk")
    kiosk.post("/tickets", json={"matter_id": 1})
    kiosk.post("/tickets", json={"case_no": supplement_case["case_no"], "phone_tail": "1234"})
    assert live_hall.client("clerk-2").post("/windows/2/sign-out", json={"reason": "请假"}).status_code == 200
    assert live_hall.client("clerk-1").post("/windows/1/call-next").json()["ticket"]["number"] == "F001"


def test_a_wrong_phone_tail_reads_as_an_unknown_case_and_issues_nothing(live_hall, supplement_case):
    kiosk = live_hall.client("kiosk")
    r = kiosk.post("/tickets", json={"case_no": supplement_case["case_no"], "phone_tail": "9999"})
    assert r.status_code == 404 and "办件编号" in r.json()["error"]["message"]
    missing = kiosk.post("/tickets", json={"case_no": supplement_case["case_no"]})
    assert missing.status_code == 400 and "后4位" in missing.json()["error"]["message"]
    assert live_hall.client("supervisor").get("/queue").json()["count"] == 0


def test_a_case_with_nothing_to_bring_or_collect_is_sent_to_a_window(live_hall):
    clerk = live_hall.client("clerk-1")
    matter = clerk.get("/matters").json()["matters"][0]
    case = open_case(clerk, matter)  # still 登记中 at the window
    r = live_hall.client("kiosk").post("/tickets", json={"case_no": case["case_no"], "phone_tail": "1234"})
    assert (
        r.status_code == 409
        and r.json()["error"]["code"] == "return_not_due"
        and "登记中" in r.json()["error"]["message"]
    )
