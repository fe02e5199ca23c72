"""Taking numbers over real HTTP: numbering, estimates, hours, closing, errors."""

from datetime import datetime

from hall_server.core.clock import CHINA


def local(text):
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def test_numbers_run_a001_a002_and_restart_the_next_day(live_hall):
    kiosk = live_hall.client("kiosk")
    first = kiosk.post("/tickets", json={"matter_id": 1}).json()["number"]
    second = kiosk.post("/tickets", json={"matter_id": 2}).json()["number"]
    live_hall.clock.set(local("2026-11-27 09:30"))
    next_day = kiosk.post("/tickets", json={"matter_id": 1}).json()["number"]
    assert (first, second, next_day) == ("A001", "A002", "A001")


def test_enterprise_matter_and_priority_group_use_their_own_prefixes(live_hall):
    kiosk = live_hall.client("kiosk")
    matters = kiosk.get("/matters").json()["matters"]
    enterprise = next(m for m in matters if m["ticket_prefix"] == "B")
    assert kiosk.post("/tickets", json={"matter_id": enterprise["id"]}).json()["number"] == "B001"
    assert kiosk.post("/tickets", json={"priority_group": "elderly"}).json()["number"] == "V001"


def test_issue_reports_people_ahead_and_a_wait_that_grows_with_the_line(live_hall):
    kiosk = live_hall.client("kiosk")
    waits = [kiosk.post("/tickets", json={"matter_id": 1}).json() for _ in range(7)]
    assert [t["waiting_ahead"] for t in waits] == list(range(7))
    assert waits[0]["estimated_wait_minutes"] == 0
    assert waits[6]["estimated_wait_minutes"] > waits[3]["estimated_wait_minutes"] > 0


def test_status_read_shows_the_position_shrinking_as_windows_call(live_hall):
    kiosk, clerk = live_hall.client("kiosk"), live_hall.client("clerk-1")
    ids = [kiosk.post("/tickets", json={"matter_id": 1}).json()["id"] for _ in range(3)]
    assert kiosk.get(f"/tickets/{ids[2]}").json()["waiting_ahead"] == 2
    clerk.post("/windows/1/call-next")
    assert kiosk.get(f"/tickets/{ids[2]}").json()["waiting_ahead"] == 1


def test_phone_page_reads_a_ticket_with_the_slip_key_and_no_token(live_hall):
    ticket = live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).json()
    import httpx

    anon = httpx.get(f"{live_hall.base_url}/api/v1/tickets/{ticket['id']}", params={"key": ticket["public_key"]})
    wrong = httpx.get(f"{live_hall.base_url}/api/v1/tickets/{ticket['id']}", params={"key": "guess"})
    assert anon.status_code == 200 and anon.json()["number"] == ticket["number"]
    assert "public_key" not in anon.json() and wrong.status_code == 404


def test_lunch_break_refuses_walk_ins_with_the_afternoon_opening(live_hall):
    live_hall.clock.set(local("2026-11-26 12:05"))
    r = live_hall.client("kiosk").post("/tickets", json={"matter_id": 1})
    body = r.json()["error"]
    assert r.status_code == 409 and body["code"] == "appointment_only"
    assert body["details"]["next_open_at"].startswith("2026-11-26T13:30")
    assert "13:30" in body["message"]


def test_sunday_evening_is_closed_and_names_monday_morning(live_hall):
    live_hall.clock.set(local("2026-11-29 19:00"))
    r = live_hall.client("kiosk").post("/tickets", json={"matter_id": 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "hall_closed"
    assert r.json()["error"]["details"]["next_open_at"].startswith("2026-11-30T09:00")


def test_makeup_saturday_issues_numbers(live_hall):
    live_hall.clock.set(local("2026-10-10 10:00"))
    assert live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).status_code == 201


def test_2027_monday_issues_numbers_on_the_fallback_calendar_and_admins_are_warned(live_hall):
    live_hall.clock.set(local("2027-01-04 09:10"))
    assert live_hall.client("kiosk").post("/tickets", json={"matter_id": 1}).status_code == 201
    warnings = live_hall.client("admin").get("/hall").json()["warnings"]
    assert any(w["year"] == 2027 and w["severity"] == "error" for w in warnings)


def test_near_closing_ticket_needs_consent_and_is_then_flagged(live_hall):
    kiosk = live_hall.client("kiosk")
    live_hall.clock.set(local("2026-11-26 18:05"))  # only window 1 (extended slot) until 18:30
    for _ in range(3):
        kiosk.post("/tickets", json={"matter_id": 1, "accept_late_risk": True})
    refused = kiosk.post("/tickets", json={"matter_id": 1})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "closing_soon"
    assert refused.json()["error"]["details"]["consent_possible"] is True
    assert refused.json()["error"]["details"]["next_open_at"].startswith("2026-11-27T09:00")
    accepted = kiosk.post("/tickets", json={"matter_id": 1, "accept_late_risk": True})
    assert accepted.status_code == 201 and accepted.json()["late_risk_accepted"] is True


def test_refused_ticket_does_not_consume_a_number(live_hall):
    kiosk = live_hall.client("kiosk")
    live_hall.clock.set(local("2026-11-26 18:05"))
    numbers = [
        kiosk.post("/tickets", json={"matter_id": 1, "accept_late_risk": True}).json()["number"] for _ in range(3)
    ]
    kiosk.post("/tickets", json={"matter_id": 1})  # refused
    after = kiosk.post("/tickets", json={"matter_id": 1, "accept_late_risk": True}).json()["number"]
    assert numbers + [after] == ["A001", "A002", "A003", "A004"]


def test_bad_input_gets_a_chinese_message_naming_the_field(live_hall):
    r = live_hall.client("kiosk").post("/tickets", json={"matter_id": "低保"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "field_type" and "matter_id" in r.json()["error"]["message"]


def test_english_is_returned_when_the_client_prefers_it(live_hall):
    r = live_hall.client("kiosk").post("/tickets", json={"matter_id": 99999}, headers={"Accept-Language": "en"})
    assert r.status_code == 404 and r.json()["error"]["message"].startswith("No matter with id 99999")


def test_a_wrongly_typed_field_names_the_expected_type_in_the_callers_language(live_hall):
    kiosk = live_hall.client("kiosk")
    chinese = kiosk.post("/tickets", json={"matter_id": "低保"}).json()["error"]["message"]
    english = kiosk.post("/tickets", json={"matter_id": "低保"}, headers={"Accept-Language": "en"}).json()["error"]
    assert "应为 整数 或 null" in chinese
    assert "expected integer or null" in english["message"] and not any(
        "\u4e00" <= c <= "\u9fff" for c in english["message"]
    )


def test_broken_json_body_is_a_400_not_a_500(live_hall):
    r = live_hall.client("kiosk").post("/tickets", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "body_not_json"


def test_missing_and_unknown_tokens_are_refused_with_how_to_fix(live_hall):
    import httpx

    none = httpx.post(f"{live_hall.base_url}/api/v1/tickets", json={"matter_id": 1})
    bad = httpx.post(
        f"{live_hall.base_url}/api/v1/tickets", json={"matter_id": 1}, headers={"Authorization": "Bearer yc_nope"}
    )
    assert none.status_code == 401 and "Authorization" in none.json()["error"]["message"]
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_token"


def test_board_token_cannot_issue_tickets(live_hall):
    r = live_hall.client("board").post("/tickets", json={"matter_id": 1})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_role"


def test_hall_scoped_path_must_match_the_token_hall(live_hall):
    kiosk = live_hall.client("kiosk")
    ok = kiosk.post(f"{live_hall.base_url}/api/v1/halls/banzhuyuan/tickets", json={"matter_id": 1})
    other = kiosk.post(f"{live_hall.base_url}/api/v1/halls/huashi/tickets", json={"matter_id": 1})
    assert ok.status_code == 201 and other.status_code == 403


def test_general_matter_ticket_lets_the_window_decide(live_hall):
    t = live_hall.client("kiosk").post("/tickets", json={}).json()
    assert t["number"] == "A001" and t["matter_id"] is None


def test_retry_with_the_same_request_id_returns_the_same_ticket(live_hall):
    kiosk = live_hall.client("kiosk")
    first = kiosk.post("/tickets", json={"matter_id": 1, "request_id": "kiosk-1/7f3a"})
    again = kiosk.post("/tickets", json={"matter_id": 1, "request_id": "kiosk-1/7f3a"})
    other = kiosk.post("/tickets", json={"matter_id": 1, "request_id": "kiosk-1/7f3b"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["number"] == first.json()["number"] == "A001"
    assert again.json()["public_key"] == first.json()["public_key"]
    assert other.json()["number"] == "A002"


def test_concurrent_retries_of_one_request_make_one_ticket(live_hall):
    from concurrent.futures import ThreadPoolExecutor

    kiosk = live_hall.client("kiosk")
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: kiosk.post("/tickets", json={"matter_id": 1, "request_id": "tap-42"}), range(8))
        )
    assert {a.json()["number"] for a in answers} == {"A001"}
    assert kiosk.post("/tickets", json={"matter_id": 1}).json()["number"] == "A002"
