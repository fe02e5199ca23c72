"""After acceptance: hand-over, department decision, return, notice, delivery with receipt; overdue cases."""

from __future__ import annotations

import pytest

from hall_server.core.clock import parse_local_time
from tests.cases.conftest import all_submitted, open_case


def accept(hall, matters, code="MZ003", window=1) -> str:
    clerk = hall.client(f"clerk-{window}")
    case = open_case(clerk, matters[code])
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "accept", "materials": all_submitted(matters[code]), "identity_checked": True},
    )
    assert r.status_code == 200, r.text
    return case["case_no"]


def test_accepted_case_goes_round_the_loop_and_is_delivered_once(hall, matters, signature_png):
    no = accept(hall, matters)
    clerk, back = hall.client("clerk-1"), hall.client("backoffice")
    assert (
        clerk.post(f"/cases/{no}/hand-over", json={"note": "纸质材料随交接单送民政办"}).json()["state"] == "handed_over"
    )

    inbox = back.get("/cases/inbox").json()
    assert inbox["department"] == "民政办" and [c["case_no"] for c in inbox["cases"]] == [no]
    hall.clock.advance(hours=1)
    received = back.post(f"/cases/{no}/receive").json()
    assert received["received_at"] == "2026-11-26T11:00:00+08:00"  # in the hall's zone, as tickets
    hall.clock.advance(days=5)
    decided = back.post(
        f"/cases/{no}/decide", json={"decision": "approved", "result": "临时救助审批表及救助金发放通知"}
    )
    assert decided.json()["state"] == "decided", decided.text

    assert clerk.post(f"/cases/{no}/return", json={}).json()["state"] == "returned"
    notified = clerk.post(f"/cases/{no}/notify").json()
    assert notified["state"] == "notified"
    [sms] = notified["notifications"]
    assert sms["channel"] == "outbox" and sms["status"] == "queued" and no in sms["text"]
    assert sms["recipient"] == "138****1234"

    receipt = {"method": "window", "recipient": "李桂兰", "relation": "配偶", "signature": signature_png}
    r = clerk.post(f"/cases/{no}/deliver", json=receipt)
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "closed"
    assert done["receipt"]["relation"] == "配偶" and done["receipt"]["place"] == "斑竹园镇便民服务中心"
    assert done["receipt"]["receipt_no"] == "斑送〔2026〕0001号"

    again = clerk.post(f"/cases/{no}/deliver", json=receipt)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "case_already_delivered"
    assert "不能重复送达" in again.json()["error"]["message"]


def test_residents_follow_progress_with_number_and_query_code_without_a_token_and_see_no_personal_data(hall, matters):
    no = accept(hall, matters)
    import httpx

    code = hall.client("clerk-1").get(f"/cases/{no}").json()["query_code"]
    r = httpx.get(f"{hall.base_url}/api/v1/cases/progress/{no}", params={"code": code})
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    view = r.json()
    assert view["applicant"] == "张*三" and view["state_label"] == "已受理" and view["due_date"] == "2026-12-10"
    assert "13800001234" not in r.text and "phone" not in view and code not in r.text
    missing = httpx.get(f"{hall.base_url}/api/v1/cases/progress/2026-99999", params={"code": code})
    assert missing.status_code == 404 and "找不到办件号 2026-99999" in missing.json()["error"]["message"]


def test_progress_by_number_alone_or_with_a_wrong_code_tells_nothing(hall, matters):
    no = accept(hall, matters)
    import httpx

    code = hall.client("clerk-1").get(f"/cases/{no}").json()["query_code"]
    bare = httpx.get(f"{hall.base_url}/api/v1/cases/progress/{no}")
    assert bare.status_code == 400 and "查询码" in bare.json()["error"]["message"]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    guessed = httpx.get(f"{hall.base_url}/api/v1/cases/progress/{no}", params={"code": wrong})
    unknown = httpx.get(f"{hall.base_url}/api/v1/cases/progress/2026-99999", params={"code": wrong})
    # A wrong code and an unknown number read the same: guessing learns nothing about which numbers exist.
    assert guessed.status_code == unknown.status_code == 404
    assert guessed.json()["error"]["message"].replace(no, "X") == unknown.json()["error"]["message"].replace(
        "2026-99999", "X"
    )
    assert "张" not in guessed.text


def test_progress_lookups_from_one_address_are_limited_and_the_limit_passes(hall, matters):
    import httpx

    from hall_server.services.case_reads import PROGRESS_LOOKUPS, PROGRESS_WINDOW_SECONDS

    no = accept(hall, matters)
    url = f"{hall.base_url}/api/v1/cases/progress/2026-{{:05d}}"
    answers = [httpx.get(url.format(n), params={"code": "123456"}).status_code for n in range(PROGRESS_LOOKUPS)]
    assert set(answers) == {404}  # a guesser walking the numbers
    code = hall.client("clerk-1").get(f"/cases/{no}").json()["query_code"]
    refused = httpx.get(f"{hall.base_url}/api/v1/cases/progress/{no}", params={"code": code})
    assert refused.status_code == 429 and "查询次数过多" in refused.json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    # The kiosk counts on its own token, not on the address the guesser used.
    assert hall.client("kiosk").get(f"/cases/progress/{no}", params={"code": code}).status_code == 200
    hall.clock.advance(seconds=PROGRESS_WINDOW_SECONDS + 1)
    assert httpx.get(f"{hall.base_url}/api/v1/cases/progress/{no}", params={"code": code}).status_code == 200


def test_another_department_cannot_open_the_case(hall, matters):
    no = accept(hall, matters)
    hall.client("clerk-1").post(f"/cases/{no}/hand-over", json={})
    r = hall.client("backoffice-rs").post(f"/cases/{no}/receive")
    assert r.status_code == 403 and "民政办" in r.json()["error"]["message"]
    assert hall.client("backoffice-rs").get("/cases/inbox").json()["cases"] == []


def test_incomplete_forms_are_refused_with_what_is_missing_and_nothing_changes(hall, matters, signature_png):
    clerk = hall.client("clerk-1")
    r = clerk.post("/cases", json={"matter_id": matters["MZ003"]["id"]})
    assert r.status_code == 400 and "applicant_name" in r.json()["error"]["message"]
    case = open_case(clerk, matters["MZ003"])
    no = case["case_no"]
    r = clerk.post(
        f"/cases/{no}/outcome",
        json={"outcome": "accept", "identity_checked": True, "materials": all_submitted(matters["MZ003"])[:1]},
    )
    assert r.status_code == 409 and "材料不齐全" in r.json()["error"]["message"]
    r = clerk.post(f"/cases/{no}/outcome", json={"outcome": "accept", "materials": all_submitted(matters["MZ003"])})
    assert r.status_code == 400 and "核验" in r.json()["error"]["message"]
    assert clerk.get(f"/cases/{no}").json()["state"] == "open"
    assert (
        clerk.post(
            f"/cases/{no}/deliver",
            json={"method": "window", "recipient": "张小三", "relation": "本人", "signature": signature_png},
        ).status_code
        == 409
    )
    r = clerk.get("/cases/2026-00999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "case_not_found"
    assert [s["action"] for s in clerk.get(f"/cases/{no}").json()["history"]] == ["open"]


def test_overdue_cases_count_working_days_across_the_new_year_holiday(hall, matters):
    supervisor = hall.client("supervisor")
    # chinesecalendar has no 2027 data: the hall enters 元旦 itself.
    assert supervisor.put("/calendar/overrides/2027-01-01", json={"kind": "holiday", "note": "元旦"}).status_code == 200
    hall.clock.set(parse_local_time("2026-12-17 10:00"))
    late = accept(hall, matters)  # 10 working days from Thu 12-17: due Thu 12-31
    hall.clock.set(parse_local_time("2026-12-18 10:00"))
    due_today = accept(hall, matters)  # from Fri 12-18: 12-31, then 1-1 is a holiday: due Mon 1-4
    hall.clock.set(parse_local_time("2027-01-04 09:30"))
    board = supervisor.get("/cases/dashboard").json()
    assert board["today"] == "2027-01-04"
    [overdue] = board["overdue"]
    assert overdue["case_no"] == late and overdue["due_date"] == "2026-12-31"
    assert overdue["working_days_left"] == -1  # only Monday 1-4 counts: 1-1 is a holiday
    assert [c["case_no"] for c in board["near_due"]] == [due_today]
    assert board["near_due"][0]["due_date"] == "2027-01-04"
    assert board["open_by_stage"]["accepted"] == 2


def test_case_numbers_and_the_loop_work_on_each_database(live_hall_any, signature_png):
    hall = live_hall_any
    matter = {m["code"]: m for m in hall.client("clerk-1").get("/matters").json()["matters"]}["MZ003"]
    clerk = hall.client("clerk-1")
    numbers = []
    for _ in range(2):
        case = open_case(clerk, matter)
        clerk.post(
            f"/cases/{case['case_no']}/outcome",
            json={"outcome": "accept", "materials": all_submitted(matter), "identity_checked": True},
        )
        numbers.append(clerk.get(f"/cases/{case['case_no']}").json()["documents"]["acceptance"])
    assert numbers == ["斑受〔2026〕0001号", "斑受〔2026〕0002号"]
    no = case["case_no"]
    supervisor = hall.client("supervisor")  # supervisors may act for the back office too
    for path, body in (
        ("hand-over", {}),
        ("receive", None),
        ("decide", {"decision": "rejected", "reasons": "收入超标", "result": "不予救助决定书"}),
        ("return", {}),
        ("notify", None),
    ):
        r = (
            supervisor.post(f"/cases/{no}/{path}", json=body)
            if body is not None
            else supervisor.post(f"/cases/{no}/{path}")
        )
        assert r.status_code == 200, (path, r.text)
    r = clerk.post(
        f"/cases/{no}/deliver",
        json={
            "method": "village_station",
            "recipient": "村代办员刘平",
            "relation": "代办员",
            "place": "龙湾村代办点",
            "signature": signature_png,
        },
    )
    assert r.json()["state"] == "closed" and r.json()["decision"] == "rejected"


def test_case_times_are_given_in_the_halls_time_zone(hall, matters):
    """The pilot hall is in Asia/Shanghai: every time of a case says +08:00, as tickets do."""
    case = open_case(hall.client("clerk-1"), next(iter(matters.values())))
    assert case["created_at"].endswith("+08:00")
    assert all(step["at"].endswith("+08:00") for step in case["history"])


def test_the_phones_last_four_digits_alone_do_not_open_a_case(hall, matters):
    import httpx

    no = accept(hall, matters)  # the applicant's phone is 13800001234
    tail = httpx.get(f"{hall.base_url}/api/v1/cases/progress/{no}", params={"code": "1234"})
    assert tail.status_code == 404 and "张" not in tail.text
    assert "通知书丢失" in tail.json()["error"]["message"]


def test_wrong_codes_on_one_case_from_many_addresses_lock_that_case_for_an_hour(hall, matters):
    from sqlalchemy import func, select

    from hall_server.core.errors import NotFound, TooManyRequests
    from hall_server.services.case_reads import CASE_PROGRESS_MISSES, CASE_PROGRESS_WINDOW_SECONDS
    from hall_server.storage.models import GuessHit

    no, other = accept(hall, matters), accept(hall, matters)
    code = hall.client("clerk-1").get(f"/cases/{no}").json()["query_code"]
    cases, hall_id = hall.server.case_reads, hall.hall_id
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    # A guesser spreading the work over many addresses: each stays far below its own limit.
    for n in range(CASE_PROGRESS_MISSES):
        with pytest.raises(NotFound):
            cases.progress(hall_id, no, wrong, "zh_CN", f"addr:10.0.{n}.1")
    with pytest.raises(TooManyRequests) as refused:
        cases.progress(hall_id, no, code, "zh_CN", "addr:10.9.9.9")  # even the right code, from a new address
    assert refused.value.code == "progress_throttled"
    # Counted in the database, where every server process reads it.
    with hall.server.services.db.read() as conn:
        rows = conn.execute(
            select(func.count()).select_from(GuessHit).where(GuessHit.scope == "case_progress_case")
        ).scalar()
    assert rows == CASE_PROGRESS_MISSES
    # Another case is not touched, and right codes never count against a case.
    other_code = hall.client("clerk-1").get(f"/cases/{other}").json()["query_code"]
    for _ in range(CASE_PROGRESS_MISSES + 1):
        assert cases.progress(hall_id, other, other_code, "zh_CN", "addr:10.9.9.8")["case_no"] == other
    hall.clock.advance(seconds=CASE_PROGRESS_WINDOW_SECONDS + 1)
    assert cases.progress(hall_id, no, code, "zh_CN", "addr:10.9.9.9")["case_no"] == no
