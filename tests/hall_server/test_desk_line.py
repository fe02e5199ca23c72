"""The window desk lists only the head of a long line, in calling order, and still counts all of it
class by class: a clerk's screen cannot show 3000 numbers, but must say how many wait (SQLite and PostgreSQL)."""

from __future__ import annotations

from hall_server.services.desk_view import DESK_LINE_ROWS


def test_a_long_line_lists_its_first_numbers_in_calling_order_and_counts_every_class(live_hall_any):
    kiosk = live_hall_any.client("kiosk")
    for i in range(DESK_LINE_ROWS + 10):
        body = {"priority_group": "elderly"} if i % 8 == 3 else {"matter_id": 1}
        assert kiosk.post("/tickets", json={**body, "accept_late_risk": True}).status_code == 201
    clerk2 = live_hall_any.client("clerk-2")
    clerk2.post("/windows/2/call-next")
    clerk2.post("/windows/2/transfer", json={"to": "window", "window": 1})  # now waits for window 1

    clerk1 = live_hall_any.client("clerk-1")
    line = clerk1.get("/windows/1/desk").json()["line"]
    whole = clerk1.get("/queue").json()  # the whole line, as window 1 would call it
    assert [t["number"] for t in line["waiting"]] == [t["number"] for t in whole["waiting"][:DESK_LINE_ROWS]]
    assert line["count"] == whole["count"] == len(whole["waiting"]) == DESK_LINE_ROWS + 10
    assert line["by_class"] == {"transferred": 1, "appointment_due": 0, "priority": 4, "ordinary": 35}
    assert line["waiting"][0]["target_window"] == 1, "the ticket handed to this window comes first"
