"""未评价: a hall that defaults unrated services gives them its level after N days, flagged, so that
主动评价好评率 leaves them out while 好评率 counts them."""

from __future__ import annotations

from datetime import date

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
from hall_server.services.access import Principal
from hall_server.services.hall_setup import DEMO_STAFF, add_staff
from hall_server.services.ticketing import IssueRequest


def test_services_unrated_after_seven_days_get_the_halls_default_level(database_url):
    text = pilot_hall_text().replace("# default_level = 4", "default_level = 4")
    clock = FakeClock(parse_local_time("2026-11-26 10:00"))
    server = HallServer.open(database_url, halls=[parse_hall_config(text)], clock=clock)
    try:
        hall_id = server.services.halls.all_ids()[0]
        add_staff(server.services, hall_id, *DEMO_STAFF[0])
        clerk = Principal(hall_id, "clerk", "clerk 1", 1)
        server.windows.sign_in(Principal(hall_id, "supervisor", "supervisor"), 1, DEMO_STAFF[0][0], "A")
        served = []
        for _ in range(2):
            served.append(server.tickets.issue(Principal(hall_id, "kiosk", "kiosk"), IssueRequest()))
            server.windows.call_next(clerk, 1)
            server.windows.start(clerk, 1)
            server.windows.finish(clerk, 1)
        server.ratings.rate_at_pad(Principal(hall_id, "pad", "pad 1", 1), 1, served[1]["id"], 2)
        ctx = server.services.halls.get(hall_id)
        clock.advance(days=6)
        assert server.figures.default_unrated(ctx) == 0  # not yet: 7 days
        clock.advance(days=2)
        assert server.figures.default_unrated(ctx) == 1
        assert server.figures.default_unrated(ctx) == 0  # once
        total = server.figures.compute(ctx, date(2026, 11, 26), date(2026, 11, 26), "window")["total"]
        assert (total["rated"], total["unrated"], total["levels"]["4"]) == (2, 1, 1)
        assert (total["good_rate"], total["active_good_rate"], total["unrated_rate"]) == (0.5, 0.0, 0.5)
    finally:
        server.close()
