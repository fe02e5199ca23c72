"""Two months of a hall, driven through the real services with a fake clock: 240 tickets over
20 working days of September and October 2026 at 3 windows, with an AB岗 take-over, a ticket
waiting over lunch, 延时服务 after 17:30, no-shows, cancellations, priority tickets and cases.
Every ticket's plan (wait, handling, outcome) is recorded so tests compute the expected
figures by hand from the plan, not from the code under test."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PIL import Image

from hall_server.core.clock import CHINA
from hall_server.services.access import Principal
from hall_server.services.case_requests import Delivery, MaterialTick, OpenCase, OutcomeRequest
from hall_server.services.hall_setup import add_staff
from hall_server.services.ticketing import IssueRequest
from tests.support.announced import hear_all_calls

MATTERS = ("RS001", "MZ001", "YB001")  # 即办 人社所, 承诺 民政办, 即办 医保
WINDOW_STAFF = {1: "BZY001", 2: "BZY002", 3: "BZY003"}
TAKEOVER_DAY, TAKEOVER_BY = 3, "BZY004"


def SUPERVISOR(hall_id: int) -> Principal:
    return Principal(hall_id, "supervisor", "fixture supervisor")


@dataclass
class Planned:
    day: date
    hour: int
    window: int
    staff_no: str | None
    matter: str
    channel: str
    outcome: str  # finished / no_show / cancelled
    wait_s: int | None
    handle_s: int | None


@dataclass
class PlannedCase:
    day: date
    window: int
    matter: str
    outcome: str  # immediate (delivered on the spot) / accept / reject


def signature() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def working_days(ctx, month: int, count: int) -> list[date]:
    d, days = date(2026, month, 1), []
    while len(days) < count:
        if ctx.calendar.day_info(d).is_working_day:
            days.append(d)
        d += timedelta(days=1)
    return days


def at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=CHINA)


def build(hall) -> tuple[list[Planned], list[PlannedCase]]:
    srv, clock, hall_id = hall.server, hall.clock, hall.hall_id
    ctx = srv.services.halls.get(hall_id)
    matter_ids = {m.matter.code: m.id for m in ctx.matters.values()}
    add_staff(srv.services, hall_id, TAKEOVER_BY, "张伟")
    staff_ids = {r.staff_no: r.id for r in _staff(srv, hall_id)}
    kiosk = Principal(hall_id, "kiosk", "kiosk")
    sup = Principal(hall_id, "supervisor", "值班长")
    plan: list[Planned] = []
    cases: list[PlannedCase] = []
    days = working_days(ctx, 9, 10) + working_days(ctx, 10, 10)
    at_window = dict(WINDOW_STAFF)
    for n, day in enumerate(days):
        cursor = at(day, 9, 0)
        for i in range(12):
            window = (1, 2, 3)[i % 3] if i < 11 else 1  # 延时服务: window 1 only
            if n == TAKEOVER_DAY and i == 6:
                clock.set(cursor)
                # The supervisor posts B (nobody signs another person in without their password).
                srv.windows.sign_in(SUPERVISOR(hall_id), 2, TAKEOVER_BY, "B", take_over=True, reason="A岗外出开会")
                at_window[2] = TAKEOVER_BY
            if i == 5:
                cursor = at(day, 11, 50)  # waits over lunch: called at 13:35
            if i == 11:
                cursor = at(day, 17, 40)  # 延时服务
            matter = MATTERS[i % 3]
            channel = "priority" if i == 4 else "walk_in"
            outcome = "no_show" if i == 10 and n % 2 == 0 else "cancelled" if i == 9 and n % 5 == 0 else "finished"
            wait = 6300 if i == 5 else 60 * (1 + (i * 7 + n) % 9)
            handle = 120 + 60 * ((i * 5 + n) % 7)
            clock.set(cursor)
            issued = srv.tickets.issue(
                kiosk, IssueRequest(matter_id=matter_ids[matter], priority_group="elderly" if i == 4 else None)
            )
            clerk = Principal(hall_id, "clerk", f"clerk-{window}", window, staff_ids[at_window[window]])
            if outcome == "cancelled":
                clock.set(cursor + timedelta(seconds=wait))
                srv.windows.cancel(sup, issued["id"], "群众离开")
                plan.append(Planned(day, cursor.hour, 0, None, matter, channel, outcome, None, None))
                cursor += timedelta(seconds=wait + 300)
                continue
            clock.set(cursor + timedelta(seconds=wait))
            srv.windows.call_next(clerk, window)
            if outcome == "no_show":
                clock.advance(seconds=60)
                srv.windows.recall(clerk, window)
                hear_all_calls(srv, hall_id)  # the hall's voice said both calls
                clock.advance(seconds=60)
                srv.windows.no_show(clerk, window)
                plan.append(Planned(day, cursor.hour, window, at_window[window], matter, channel, outcome, wait, None))
                cursor += timedelta(seconds=wait + 420)
                continue
            # Started at the call (as a 即办 service is): the same handling time as from the call.
            srv.windows.start(clerk, window)
            clock.set(cursor + timedelta(seconds=wait + handle))
            if i in (0, 1) or (i == 3 and n % 4 == 0):
                cases.append(_case(srv, clerk, sup, matter_ids[matter], issued["id"], i, day, window, matter))
            srv.windows.finish(clerk, window)
            plan.append(Planned(day, cursor.hour, window, at_window[window], matter, channel, outcome, wait, handle))
            cursor += timedelta(seconds=wait + handle + 300)
        if n == TAKEOVER_DAY:  # A comes back after closing
            srv.windows.sign_in(SUPERVISOR(hall_id), 2, WINDOW_STAFF[2], "A", take_over=True)
            at_window[2] = WINDOW_STAFF[2]
    return plan, cases


def _case(srv, clerk, sup, matter_id, ticket_id, i, day, window, code) -> PlannedCase:
    ctx = srv.services.halls.get(clerk.hall_id)
    stored = ctx.matters[matter_id].matter
    materials = tuple(MaterialTick(m.name) for m in stored.materials)
    case = srv.case_intake.open(clerk, OpenCase(matter_id=matter_id, applicant_name="张小三", ticket_id=ticket_id))
    if i == 0:
        receipt = Delivery(method="window", recipient="张小三", relation="本人", signature=signature())
        outcome = OutcomeRequest("immediate", materials, identity_checked=True, result="已办结")
        srv.case_intake.outcome(clerk, case["case_no"], outcome, receipt)
        return PlannedCase(day, window, code, "immediate")
    if i == 1:
        srv.case_intake.outcome(clerk, case["case_no"], OutcomeRequest("accept", materials, identity_checked=True))
        return PlannedCase(day, window, code, "accept")
    srv.case_intake.outcome(sup, case["case_no"], OutcomeRequest("reject", reasons="不符合申请条件"))
    return PlannedCase(day, window, code, "reject")


def _staff(srv, hall_id):
    from sqlalchemy import select

    from hall_server.storage.models import Staff

    with srv.db.read() as conn:
        return conn.execute(select(Staff).where(Staff.hall_id == hall_id)).all()
