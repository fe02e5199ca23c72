"""A hall file edited between two server starts (shorter hours) never strands a resident's booking
unnoticed: the restarted server logs the bookings it has no seat for, supervisors get a warning on
GET /hall (boards do not), list them, and cancel exactly the ones they saw for the hall — each
resident texted the /book link, as a calendar change does.

The live hall is the pilot hall on Thursday 2026-11-26 10:00; its working-day hours are
09:00-12:00 and 13:30-17:30, cut to 13:30-16:00 in the edited file."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
from hall_server.storage.case_models import CaseNotification
from tests.support.live_server import start_live_hall

NOW = "2026-11-26 10:00"
PILOT_HOURS = 'working_day = ["09:00-12:00", "13:30-17:30"]'
SHORTER = parse_hall_config(pilot_hall_text().replace(PILOT_HOURS, 'working_day = ["09:00-12:00", "13:30-16:00"]'))


def book(hall, slot: str, phone: str, name: str = "王小明") -> dict:
    r = hall.client("supervisor").post(
        "/appointments", json={"resident_name": name, "phone": phone, "slot_start": slot, "matter_id": 1}
    )
    assert r.status_code == 201, r.json()
    return r.json()


def restarted_with_shorter_hours(url: str, slots: list[str]):
    """Book ``slots`` on the pilot hall, stop it, and start it again on the same database with
    the shorter hours: the restarted hall and the bookings (in ``slots`` order)."""
    first = start_live_hall(url, NOW)
    try:
        made = [book(first, slot, f"139555000{i:02d}") for i, slot in enumerate(slots)]
    finally:
        first.stop()
    assert PILOT_HOURS in pilot_hall_text()  # the edit below really shortens the hours
    return start_live_hall(url, NOW, sign_in=False, halls=[SHORTER]), made


@pytest.fixture
def restarted(database_url):
    hall, made = restarted_with_shorter_hours(
        database_url, ["2026-11-27T10:00", "2026-11-27T16:30", "2026-11-27T17:00", "2026-11-30T16:00"]
    )
    yield hall, made
    hall.stop()


def stranded(hall) -> list[tuple[str, str, str, str]]:
    r = hall.client("supervisor").get("/appointments/stranded")
    assert r.status_code == 200, r.json()
    return [(a["slot_start"][:16], a["resident_masked"], a["code"], a["reason"]) for a in r.json()["stranded"]]


def statuses(hall, day: str) -> dict[str, tuple[str, str | None]]:
    listed = hall.client("supervisor").get("/appointments", params={"date": day}).json()["appointments"]
    return {a["code"]: (a["status"], a["cancel_reason"]) for a in listed}


def test_a_server_restarted_with_shorter_hours_finds_the_bookings_left_without_a_seat(database_url, caplog):
    caplog.set_level(logging.WARNING, logger="hall_server.appointments")
    hall, (ten, half_four, five, monday) = restarted_with_shorter_hours(
        database_url, ["2026-11-27T10:00", "2026-11-27T16:30", "2026-11-27T17:00", "2026-11-30T16:00"]
    )
    try:
        assert stranded(hall) == [
            ("2026-11-27T16:30", "王*明", half_four["code"], "outside_hours"),
            ("2026-11-27T17:00", "王*明", five["code"], "outside_hours"),
            ("2026-11-30T16:00", "王*明", monday["code"], "outside_hours"),
        ]
        hall.server.stranded.check()  # the ticker's next round the same day: logged once, at start
        logged = [r.getMessage() for r in caplog.records if "no seat" in r.getMessage()]
        assert len(logged) == 1 and "3 booking(s)" in logged[0] and "2026-11-27, 2026-11-30" in logged[0]
        assert ten["code"] not in logged[0] and half_four["code"] not in logged[0]  # no codes in the log
    finally:
        hall.stop()


def test_supervisors_are_warned_of_the_stranded_bookings_and_the_board_is_not(restarted):
    hall, made = restarted
    warnings = hall.client("supervisor").get("/hall").json()["warnings"]
    mine = [w for w in warnings if w["key"] == "calendar.stranded_bookings"]
    assert len(mine) == 1 and mine[0]["severity"] == "error"
    assert "11-27、11-30有3个预约" in mine[0]["message"] and "取消并短信通知" in mine[0]["message"]
    english = hall.client("supervisor").get("/hall", headers={"Accept-Language": "en"}).json()["warnings"]
    board = hall.client("board").get("/hall")
    assert board.status_code == 200 and "warnings" not in board.json()
    assert not any(m["code"] in board.text for m in made) and "11-30" not in board.text
    assert any("3 appointment(s) on 11-27, 11-30" in w["message"] for w in english)


def test_cancel_and_notify_cancels_exactly_the_codes_seen_and_texts_each_resident_once(restarted):
    hall, (ten, half_four, five, monday) = restarted
    seen = [half_four["code"], monday["code"]]
    r = hall.client("supervisor").post("/appointments/stranded/cancel-and-notify", json={"codes": seen})
    assert r.status_code == 200 and r.json()["cancelled_bookings"] == 2, r.json()
    assert statuses(hall, "2026-11-27") == {
        ten["code"]: ("booked", None),
        half_four["code"]: ("hall_cancelled", "outside_hours"),
        five["code"]: ("booked", None),  # stranded too, but not in the list the supervisor confirmed
    }
    assert statuses(hall, "2026-11-30") == {monday["code"]: ("hall_cancelled", "outside_hours")}
    assert [s[2] for s in stranded(hall)] == [five["code"]]
    with hall.server.db.read() as conn:
        texts = conn.execute(select(CaseNotification.appointment_id, CaseNotification.text)).all()
    cancelled = {b["id"]: b["code"] for b in (half_four, monday)}
    told = [(i, text) for i, text in texts if i in cancelled and "已由大厅取消" in text]
    assert sorted(i for i, _ in told) == sorted(cancelled)  # one each
    for i, text in told:
        assert f"{hall.base_url}/book?code={cancelled[i]}" in text and "不计爽约" in text
    assert not any("已由大厅取消" in text for i, text in texts if i not in cancelled)


def test_a_stale_list_is_refused_in_chinese_and_cancels_nothing(restarted):
    hall, (ten, half_four, _five, _monday) = restarted
    r = hall.client("supervisor").post(
        "/appointments/stranded/cancel-and-notify", json={"codes": [half_four["code"], ten["code"]]}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "stranded_list_stale"
    assert ten["code"] in r.json()["error"]["message"] and "请刷新列表" in r.json()["error"]["message"]
    assert r.json()["error"]["details"]["not_stranded"] == [ten["code"]]
    assert statuses(hall, "2026-11-27")[half_four["code"]] == ("booked", None)


# --- who may list and cancel ------------------------------------------------------------------
ROLES = [("supervisor", 200), ("admin", 200), ("clerk-2", 403), ("pad-2", 403), ("kiosk", 403), ("board", 403)]


@pytest.fixture(scope="module")
def quiet_hall(tmp_path_factory):
    hall = start_live_hall(f"sqlite:///{tmp_path_factory.mktemp('stranded-roles') / 'hall.db'}", NOW)
    yield hall
    hall.stop()


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_only_supervisors_and_admins_list_the_stranded_bookings(quiet_hall, role, status):
    assert quiet_hall.client(role).get("/appointments/stranded").status_code == status


@pytest.mark.parametrize(("role", "status"), [(role, 409 if ok == 200 else ok) for role, ok in ROLES])
def test_only_supervisors_and_admins_cancel_stranded_bookings(quiet_hall, role, status):
    # A code no longer stranded: the allowed roles reach the service (409), the others never do.
    r = quiet_hall.client(role).post("/appointments/stranded/cancel-and-notify", json={"codes": ["ZZ900"]})
    assert r.status_code == status, r.json()
