"""过号 over real HTTP once the hall has really called: the announcer's reports (POST /announcements),
the Chinese 409 that says why and when, two announcers reporting the same call, a hall without one."""

from __future__ import annotations

import threading

import pytest

from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
from tests.support.live_server import start_live_hall


def call_events(hall) -> list[int]:
    events = hall.server.services.db
    from sqlalchemy import select

    from hall_server.storage.models import Event

    with events.read() as conn:
        return list(
            conn.execute(
                select(Event.id).where(Event.type.in_(("ticket.called", "ticket.recalled"))).order_by(Event.id)
            ).scalars()
        )


def called_twice(hall):
    hall.client("kiosk").post("/tickets", json={}).raise_for_status()
    clerk = hall.client("clerk-1")
    clerk.post("/windows/1/call-next").raise_for_status()
    clerk.post("/windows/1/recall").raise_for_status()
    return clerk


def test_no_show_waits_until_both_calls_were_said_and_the_resident_had_time(live_hall_any):
    hall = live_hall_any
    clerk = called_twice(hall)
    early = clerk.post("/windows/1/no-show")
    assert early.status_code == 409
    error = early.json()["error"]
    assert error["code"] == "no_show_not_yet_announced" and "只播报了0次" in error["message"]
    first, second = call_events(hall)
    board = hall.client("board")
    assert board.post("/announcements", json={"event_id": first}).json()["no_show"]["heard"] == 1
    hall.clock.advance(seconds=5)
    done = board.post("/announcements", json={"event_id": second, "device": "大屏1"}).json()
    assert done["recorded"] and done["no_show"]["heard"] == 2 and not done["no_show"]["allowed"]
    # The wait runs from the last time the number was heard (10:00:05), 20 s in the pilot hall.
    wait = clerk.post("/windows/1/no-show")
    assert wait.status_code == 409 and wait.json()["error"]["code"] == "no_show_wait"
    assert "10:00:25 起可以过号" in wait.json()["error"]["message"]
    assert wait.json()["error"]["details"]["no_show"]["at"].startswith("2026-11-26T10:00:25")
    desk = clerk.get("/windows/1/desk").json()
    assert "no-show" not in desk["allowed_actions"] and desk["no_show"]["reason"] == "wait"
    hall.clock.advance(seconds=20)
    assert "no-show" in clerk.get("/windows/1/desk").json()["allowed_actions"]
    assert clerk.post("/windows/1/no-show").json()["ticket"]["state"] == "no_show"


def test_with_the_announcer_pc_dead_the_window_can_mark_no_show_once_the_boards_showed_the_calls(live_hall):
    clerk = called_twice(live_hall)  # nobody reports a heard call: the announcer is off
    live_hall.clock.advance(seconds=89)
    assert clerk.post("/windows/1/no-show").json()["error"]["code"] == "no_show_not_yet_announced"
    live_hall.clock.advance(seconds=1)  # the pilot hall's silent_after_seconds (90) since the recall
    assert clerk.post("/windows/1/no-show").json()["ticket"]["state"] == "no_show"


def test_too_few_calls_made_asks_for_a_recall_in_chinese(live_hall):
    live_hall.client("kiosk").post("/tickets", json={}).raise_for_status()
    clerk = live_hall.client("clerk-1")
    clerk.post("/windows/1/call-next").raise_for_status()
    early = clerk.post("/windows/1/no-show").json()["error"]
    assert early["code"] == "no_show_recall_needed" and "请先重呼" in early["message"]


def test_two_announcers_reporting_the_same_calls_at_once_count_each_call_once(live_hall_any):
    hall = live_hall_any
    called_twice(hall)
    events = call_events(hall)
    boards = [hall.client("board") for _ in range(4)]
    start = threading.Barrier(len(boards))
    answers: list[dict] = []

    def report(client):
        start.wait()
        for event_id in events:
            r = client.post("/announcements", json={"event_id": event_id})
            assert r.status_code == 200, r.text
            answers.append(r.json())

    threads = [threading.Thread(target=report, args=(b,)) for b in boards]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(answers) == 8 and sum(a["recorded"] for a in answers) == 2
    assert max(a["no_show"]["heard"] for a in answers) == 2
    desk = hall.client("clerk-1").get("/windows/1/desk").json()
    assert desk["no_show"]["heard"] == 2


def test_calls_of_an_earlier_round_do_not_count_after_a_transfer(live_hall):
    clerk = called_twice(live_hall)
    old = call_events(live_hall)
    clerk.post("/windows/1/transfer", json={"to": "line"}).raise_for_status()
    live_hall.client("clerk-2").post("/windows/2/call-next").raise_for_status()
    for event_id in old:  # reported late, after the number went back to the line
        live_hall.client("board").post("/announcements", json={"event_id": event_id}).raise_for_status()
    desk = live_hall.client("clerk-2").get("/windows/2/desk").json()
    assert desk["no_show"]["heard"] == 0


@pytest.mark.parametrize(
    "role,status", [("board", 200), ("kiosk", 403), ("clerk-1", 403), ("pad-1", 403), ("supervisor", 403)]
)
def test_only_a_board_or_announcer_token_may_report_a_call_as_spoken(live_hall, role, status):
    called_twice(live_hall)
    r = live_hall.client(role).post("/announcements", json={"event_id": call_events(live_hall)[0]})
    assert r.status_code == status, r.text


def test_reporting_without_a_token_is_refused(live_hall):
    import httpx

    r = httpx.post(f"{live_hall.base_url}/api/v1/announcements", json={"event_id": 1})
    assert r.status_code == 401


@pytest.mark.parametrize(
    "body", [{}, {"event_id": "1"}, {"event_id": 0}, {"event_id": 2**70}, {"event_id": 1, "device": "x" * 101}]
)
def test_bad_reports_get_a_clear_400(live_hall, body):
    r = live_hall.client("board").post("/announcements", json=body)
    assert r.status_code == 400, r.text


def test_reporting_an_event_that_is_not_a_call_says_so_in_chinese(live_hall):
    live_hall.client("kiosk").post("/tickets", json={}).raise_for_status()  # event 1: ticket.issued
    r = live_hall.client("board").post("/announcements", json={"event_id": 1})
    assert r.status_code == 404 and "不是本大厅的叫号或重呼" in r.json()["error"]["message"]


@pytest.fixture
def hall_without_announcer(sqlite_url):
    text = pilot_hall_text().replace("[announcer]\n", "[announcer]\npresent = false\n", 1)
    text = text.replace("\npresent = true\n", "\n", 1)
    hall = start_live_hall(sqlite_url, "2026-11-26 10:00", halls=[parse_hall_config(text, "test")])
    yield hall
    hall.stop()


def test_a_hall_without_an_announcer_counts_the_time_the_call_stood_on_the_boards(hall_without_announcer):
    hall = hall_without_announcer
    clerk = called_twice(hall)
    early = clerk.post("/windows/1/no-show").json()["error"]
    assert early["code"] == "no_show_wait_shown" and "10:00:20 起可以过号" in early["message"]
    hall.clock.advance(seconds=20)
    assert clerk.post("/windows/1/no-show").json()["ticket"]["state"] == "no_show"
