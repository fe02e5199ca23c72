"""好差评 closed loop over real HTTP on a frozen clock: follow-up walk, figures against a hand-computed
fixture, the .xlsx read back, appeals, bad input, and who may do what."""

from __future__ import annotations

import io
import json
from datetime import datetime

import openpyxl
import pytest
from playwright.sync_api import expect

from hall_server.core.clock import parse_local_time
from hall_server.services.access import Principal
from hall_server.services.case_notifier import SendResult
from hall_server.storage.models import Staff

from .conftest import issue

SHANGHAI = "+08:00"


def _person(hall, staff_no: str, role: str = "clerk", window: int | None = None) -> str:
    with hall.server.db.read() as conn:
        staff_id = conn.execute(Staff.__table__.select().where(Staff.staff_no == staff_no)).first().id
    token = hall.server.tokens.create(hall.hall_id, role, window, label=f"{role} {staff_no}", staff_id=staff_id)
    hall.tokens[f"person-{staff_no}"] = token
    return f"person-{staff_no}"


def _serve_and_rate(hall, window: int, level: int | None, tags=None, phone=None) -> dict:
    issue(hall, 1)
    clerk = hall.client(f"clerk-{window}")
    ticket = clerk.post(f"/windows/{window}/call-next").json()["ticket"]
    clerk.post(f"/windows/{window}/start")
    assert clerk.post(f"/windows/{window}/finish").status_code == 200
    if level is not None:
        body = {"ticket_id": ticket["id"], "level": level}
        if tags:
            body["tags"] = tags
        if phone:
            body["phone"] = phone
        r = hall.client(f"pad-{window}").post(f"/pads/{window}/rating", json=body)
        assert r.status_code == 201, r.text
    return ticket


def _take_over(hall, window: int, staff_no: str) -> None:
    # The supervisor posts B (nobody signs another person in without their password).
    hall.server.windows.sign_in(Principal(hall.hall_id, "supervisor", "setup"), window, staff_no, "B", take_over=True)


class FlakyGateway:
    """A fake SMS gateway: refuses the first message, accepts the rest, and counts what it delivered."""

    channel = "sms"

    def __init__(self) -> None:
        self.calls, self.delivered = 0, []

    def send(self, phone: str, text: str) -> SendResult:
        self.calls += 1
        if self.calls == 1:
            return SendResult("failed", "HTTP 503: gateway busy")
        self.delivered.append((phone, text))
        return SendResult("sent", "ok")


def test_a_bad_rating_walks_every_follow_up_state_with_working_day_deadlines(hall):
    hall.clock.set(parse_local_time("2026-11-27 10:00"))  # a Friday
    gateway = FlakyGateway()
    hall.server.follow_ups.notifier = gateway
    ticket = _serve_and_rate(hall, 1, 1, ["服务态度差"], "13900001111")
    sv = hall.client("supervisor")
    [fu] = sv.get("/follow-ups", params={"state": "pending_callback"}).json()["items"]
    # 回访 by the close of the next working day: the weekend is skipped.
    assert datetime.fromisoformat(fu["callback_due_at"]) == datetime.fromisoformat(f"2026-11-30T17:30:00{SHANGHAI}")
    assert (fu["ticket_id"], fu["window"], fu["staff_no"], fu["level"], fu["reasons"], fu["phone"]) == (
        ticket["id"], 1, "BZY001", 1, ["服务态度差"], "13900001111",
    )  # fmt: skip
    assert fu["overdue"] is False
    hall.clock.set(parse_local_time("2026-12-01 09:00"))  # Tuesday: the Monday deadline has passed
    assert sv.get(f"/follow-ups/{fu['id']}").json()["overdue"] is True
    assert sv.get("/follow-ups/alerts").json() == {"pending_callback": 1, "overdue": 1}

    clerk = hall.client(_person(hall, "BZY001", window=1))
    assert [i["id"] for i in clerk.get("/follow-ups").json()["items"]] == [fu["id"]]  # 谁办理谁负责
    wrong = clerk.post(f"/follow-ups/{fu['id']}/close", json={"feedback": "satisfied"})
    assert wrong.status_code == 409 and "待回访" in wrong.json()["error"]["message"]
    assert (
        clerk.post(
            f"/follow-ups/{fu['id']}/call_back", json={"note": "已电话联系，群众反映等候时工作人员态度生硬"}
        ).status_code
        == 200
    )
    too_long = clerk.post(f"/follow-ups/{fu['id']}/rectify_deadline", json={"note": "培训", "days": 20})
    assert too_long.status_code == 400 and "5 到 15" in too_long.json()["error"]["message"]
    step = clerk.post(f"/follow-ups/{fu['id']}/rectify_deadline", json={"note": "窗口服务规范培训", "days": 5})
    assert step.status_code == 200
    assert datetime.fromisoformat(step.json()["rectify_due_at"]) == datetime.fromisoformat(
        f"2026-12-08T17:30:00{SHANGHAI}"
    )
    hall.clock.set(parse_local_time("2026-12-09 09:00"))
    assert sv.get("/follow-ups", params={"state": "overdue"}).json()["count"] == 1  # rectification late
    report = clerk.post(f"/follow-ups/{fu['id']}/report_back", json={"note": "已完成服务规范培训并向您致歉"})
    assert report.status_code == 200 and report.json()["messages"][0]["status"] == "failed"
    assert hall.server.follow_ups.retry_messages() == {"sent": 1}
    assert hall.server.follow_ups.retry_messages() == {}
    assert len(gateway.delivered) == 1 and "已完成服务规范培训" in gateway.delivered[0][1]  # retried, sent once
    closed = sv.post(f"/follow-ups/{fu['id']}/close", json={"feedback": "satisfied"}).json()
    assert closed["state"] == "closed" and closed["feedback"] == "satisfied"
    assert [s["to"] for s in closed["steps"]] == [
        "pending_callback", "verifying", "rectify_deadline", "awaiting_feedback", "closed",
    ]  # fmt: skip
    figures = sv.get("/ratings/figures", params={"from": "2026-11-01", "to": "2026-12-31"}).json()["total"]
    assert (figures["bad_reply_rate"], figures["rectified_rate"], figures["rectified_satisfied_rate"]) == (
        0.0,
        1.0,
        1.0,
    )

    # The 2027 fallback calendar (no official data): a Friday 差评 is due the Monday after.
    hall.clock.set(parse_local_time("2027-01-08 10:00"))
    _serve_and_rate(hall, 2, 2)
    late = [i for i in sv.get("/follow-ups").json()["items"] if i["level"] == 2]
    assert datetime.fromisoformat(late[0]["callback_due_at"]) == datetime.fromisoformat(
        f"2027-01-11T17:30:00{SHANGHAI}"
    )

    # An upheld appeal takes the rating out of the figures; the rating stays in the record.
    period = {"from": "2026-11-01", "to": "2026-12-31"}
    assert sv.get("/ratings/figures", params=period).json()["total"]["levels"]["1"] == 1
    appeal = clerk.post(f"/ratings/{fu['rating_id']}/appeal", json={"kind": "malicious", "reason": "群众酒后滋事"})
    assert appeal.status_code == 201
    assert (
        sv.post(
            f"/rating-appeals/{appeal.json()['id']}/decision", json={"decision": "upheld", "note": "监控核实"}
        ).status_code
        == 200
    )
    after = sv.get("/ratings/figures", params=period).json()["total"]
    assert (after["levels"]["1"], after["rated"], after["appeals"], after["appeals_upheld"]) == (0, 0, 1, 1)
    assert [
        r["counted"]
        for r in sv.get("/ratings", params={"date": "2026-11-27"}).json()["ratings"]
        if r["id"] == fu["rating_id"]
    ] == [False]


# (window, level or None) in serving order; window 2 changes hands (AB岗) part-way through month 1.
NOV = [(1, lv) for lv in (5, 5, 5, 5, 4, 4, 3, 2, 1, 5)] + [(2, lv) for lv in (5, 4, 4, 3, 2, 5)]
NOV_AFTER_TAKE_OVER = [(2, lv) for lv in (5, 5, 5, 1, 4, None)] + [(3, lv) for lv in (5, 5, 4, 4, 4, 3, None, None)]
DEC = [(1, lv) for lv in (5, 4, 4, 4, 4, 3, 3, 2, 5, 5)] + [(2, lv) for lv in (4, 4, 5, 5, 1, 2)]
DEC += [(3, lv) for lv in (5, 5, 5, 5, 5, 4, 4, 4, 3, 2, None, None)]


@pytest.fixture
def two_months(hall):
    for window, level in NOV:
        _serve_and_rate(hall, window, level)
    # AB岗: 张伟 (BZY004) takes over window 2 while 王建国's resident is still at the desk.
    issue(hall, 1)
    hall.client("clerk-2").post("/windows/2/call-next")
    _take_over(hall, 2, "BZY004")
    hall.client("clerk-2").post("/windows/2/start")
    hall.client("clerk-2").post("/windows/2/finish")
    first = hall.client("supervisor").get("/queue")  # noqa: F841  (keeps the clients warm)
    with hall.server.db.read() as conn:
        from hall_server.storage.models import Ticket

        handed = conn.execute(Ticket.__table__.select().order_by(Ticket.id.desc()).limit(1)).first()
    hall.client("pad-2").post("/pads/2/rating", json={"ticket_id": handed.id, "level": 5})
    for window, level in NOV_AFTER_TAKE_OVER[1:]:
        _serve_and_rate(hall, window, level)
    hall.clock.set(parse_local_time("2026-12-03 10:00"))
    for window, level in DEC:
        _serve_and_rate(hall, window, level)
    hall.clock.set(parse_local_time("2026-12-20 10:00"))  # every service is now past the 7 unrated days
    return hall


def test_figures_match_the_hand_computed_fixture(two_months):
    sv = two_months.client("supervisor")
    period = {"from": "2026-11-01", "to": "2026-12-31"}
    rows = {r["key"]: r for r in sv.get("/ratings/figures", params={**period, "by": "window"}).json()["rows"]}
    assert {k: (r["services"], r["rated"], r["unrated"]) for k, r in rows.items()} == {
        1: (20, 20, 0), 2: (18, 17, 1), 3: (20, 16, 4),
    }  # fmt: skip
    assert rows[1]["levels"] == {"5": 8, "4": 6, "3": 3, "2": 2, "1": 1}
    assert rows[2]["levels"] == {"5": 7, "4": 5, "3": 1, "2": 2, "1": 2}
    assert rows[3]["levels"] == {"5": 7, "4": 6, "3": 2, "2": 1, "1": 0}
    assert (rows[1]["good_rate"], rows[1]["bad_rate"]) == (0.85, 0.15)
    assert (rows[2]["good_rate"], rows[3]["good_rate"], rows[3]["unrated_rate"]) == (0.7647, 0.9375, 0.2)
    total = sv.get("/ratings/figures", params={**period, "by": "window"}).json()["total"]
    assert (total["services"], total["rated"], total["follow_ups"]) == (58, 53, 8)
    assert total["good_rate"] == round(45 / 53, 4) and total["active_good_rate"] == round(45 / 53, 4)
    # The AB take-over: the service 张伟 finished is his, though 王建国 called it.
    clerks = {r["label"]: r for r in sv.get("/ratings/figures", params={**period, "by": "clerk"}).json()["rows"]}
    assert (clerks["王建国（BZY002）"]["rated"], clerks["张伟（BZY004）"]["rated"]) == (6, 11)
    assert clerks["王建国（BZY002）"]["good_rate"] == round(5 / 6, 4)
    assert clerks["张伟（BZY004）"]["levels"] == {"5": 5, "4": 3, "3": 0, "2": 1, "1": 2}
    months = {r["key"]: r["rated"] for r in sv.get("/ratings/figures", params={**period, "by": "month"}).json()["rows"]}
    assert months == {"2026-11": 27, "2026-12": 26}


def test_xlsx_export_reads_back_like_the_api(two_months):
    sv = two_months.client("supervisor")
    period = {"from": "2026-11-01", "to": "2026-12-31"}
    api = sv.get("/ratings/figures", params={**period, "by": "window"}).json()
    r = sv.get("/ratings/export.xlsx", params={**period, "by": "window"})
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["统计", "评价", "回访"]
    sheet = wb["统计"]
    header = [c.value for c in sheet[2]]
    read = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=3, values_only=True)}
    for row in [*api["rows"], api["total"]]:
        got = read[row["label"]]
        assert (got["服务数"], got["已评价"], got["未评价"], got["好评率"], got["差评率"]) == (
            row["services"], row["rated"], row["unrated"], row["good_rate"], row["bad_rate"],
        )  # fmt: skip
    assert len(sheet._charts) == 1  # a native Excel chart
    assert wb["评价"].max_row - 1 == 53 and wb["回访"].max_row - 1 == 8
    lines = sv.get("/ratings/export.jsonl", params=period).text.splitlines()
    first = json.loads(lines[0])
    assert len(lines) == 53 and first["channel"] == "pad" and first["hall"] == "banzhuyuan"
    assert set(first) >= {"hall", "window", "staff_no", "matter_code", "case_no", "channel", "level", "reasons",
                          "rated_at", "follow_up_state"}  # fmt: skip


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"from": "2026-11-01", "to": "2026-11-30", "by": "weekday"}, "字段 by 的值不在可选范围内"),
        ({"from": "2026-12-01", "to": "2026-11-01"}, "from=2026-12-01 晚于结束日期 to=2026-11-01"),
        ({"from": "2026-11-1", "to": "2026-11-30"}, "字段 from 应为日期，请写成 YYYY-MM-DD"),
        ({"from": "2023-01-01", "to": "2026-11-30"}, "不能超过 3 年"),
        ({"from": "2026-13-01", "to": "2026-11-30"}, "YYYY-MM-DD（"),
    ],
)
def test_bad_figures_requests_are_refused_in_chinese(hall, params, fragment):
    r = hall.client("supervisor").get("/ratings/figures", params=params)
    assert r.status_code == 400 and fragment in r.json()["error"]["message"]


def test_a_step_not_allowed_in_the_state_changes_nothing(hall):
    _serve_and_rate(hall, 3, 2)
    sv = hall.client("supervisor")
    [fu] = sv.get("/follow-ups").json()["items"]
    for action, body in (
        ("report_back", {"note": "x"}),
        ("close", {"feedback": "satisfied"}),
        ("explain", {"note": "x"}),
    ):
        r = sv.post(f"/follow-ups/{fu['id']}/{action}", json=body)
        assert r.status_code == 409, action
    assert sv.post(f"/follow-ups/{fu['id']}/escalate", json={}).status_code == 404
    assert sv.get(f"/follow-ups/{fu['id']}").json()["state"] == "pending_callback"
    assert len(sv.get(f"/follow-ups/{fu['id']}").json()["steps"]) == 1


def test_every_showing_of_a_raters_phone_is_logged(hall):
    from hall_server.storage.rating_models import PhoneView

    _serve_and_rate(hall, 1, 1, phone="13900003333")
    sv = hall.client("supervisor")
    sv.get("/follow-ups")
    fu = sv.get("/follow-ups").json()["items"][0]
    sv.get(f"/follow-ups/{fu['id']}")
    with hall.server.db.read() as conn:
        views = conn.execute(PhoneView.__table__.select()).all()
    assert [(v.follow_up_id, v.role) for v in views] == [(fu["id"], "supervisor")] * 3


ROUTES = [
    ("GET", "/ratings/figures?from=2026-11-01&to=2026-11-30", None),
    ("GET", "/ratings/ranking?from=2026-11-01&to=2026-11-30", None),
    ("GET", "/ratings/export.xlsx?from=2026-11-01&to=2026-11-30", None),
    ("GET", "/ratings/export.jsonl?from=2026-11-01&to=2026-11-30", None),
    ("GET", "/follow-ups", None),
    ("GET", "/follow-ups/alerts", None),
    ("GET", "/rating-appeals", None),
    ("POST", "/ratings/default-unrated", None),
]
ALLOWED = {
    "/ratings/figures": {"supervisor", "admin"},
    "/ratings/ranking": {"supervisor", "admin"},
    "/ratings/export.xlsx": {"supervisor", "admin"},
    "/ratings/export.jsonl": {"supervisor", "admin"},
    "/follow-ups": {"supervisor", "admin", "person-BZY001"},
    "/follow-ups/alerts": {"supervisor", "admin"},
    "/rating-appeals": {"supervisor", "admin", "person-BZY001", "clerk-1"},
    "/ratings/default-unrated": {"admin"},
}


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_each_rating_route_answers_only_its_roles(hall, method, path, body):
    _person(hall, "BZY001", window=1)
    for role in ("kiosk", "board", "pad-1", "clerk-1", "person-BZY001", "supervisor", "admin"):
        r = hall.client(role).request(method, path, json=body)
        allowed = role in ALLOWED[path.split("?")[0]]
        assert (r.status_code < 300) == allowed, (role, r.status_code, r.text)
        if not allowed:
            assert r.status_code == 403 and r.json()["error"]["message"]


def test_a_clerk_cannot_see_or_act_on_another_clerks_follow_up(hall):
    _serve_and_rate(hall, 2, 1, phone="13900004444")
    other = hall.client(_person(hall, "BZY001", window=1))
    assert other.get("/follow-ups").json()["items"] == []
    fu = hall.client("supervisor").get("/follow-ups").json()["items"][0]
    assert other.get(f"/follow-ups/{fu['id']}").status_code == 404
    assert other.post(f"/follow-ups/{fu['id']}/call_back", json={"note": "x"}).status_code == 404
    assert other.post(f"/ratings/{fu['rating_id']}/appeal", json={"kind": "mistaken", "reason": "x"}).status_code == 403


def test_only_the_resident_or_the_serving_windows_pad_can_make_a_rating_link(hall):
    issued = issue(hall, 1)[0]
    clerk = hall.client("clerk-2")
    ticket = clerk.post("/windows/2/call-next").json()["ticket"]
    clerk.post("/windows/2/start")
    clerk.post("/windows/2/finish")
    body = {"ticket_id": ticket["id"]}
    for role in ("clerk-2", "supervisor", "admin", "kiosk", "board"):
        assert hall.client(role).post("/ratings/links", json=body).status_code == 403, role
    assert hall.client("pad-1").post("/ratings/links", json=body).status_code == 403  # another window's pad
    made = hall.client("pad-2").post("/ratings/links", json=body)
    assert made.status_code == 201 and made.json()["created_by"].startswith("pad 2")
    again = hall.client("pad-2").post("/ratings/links", json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "rating_link_exists"
    import httpx

    public = httpx.post(hall.base_url + "/api/v1/ratings/links", json={**body, "key": issued["public_key"]})
    assert public.status_code == 409  # not silently replaced, even for the resident
    replaced = httpx.post(
        hall.base_url + "/api/v1/ratings/links", json={**body, "key": issued["public_key"], "replace": True}
    )
    assert replaced.status_code == 201 and replaced.json()["created_by"] == "resident: slip key from 127.0.0.1"
    assert hall.client("pad-2").post("/ratings/links", json={**body, "replace": True}).status_code in (403, 409)
    with hall.server.db.read() as conn:
        from hall_server.storage.models import Event, RatingLink

        links = conn.execute(RatingLink.__table__.select()).all()
        logged = conn.execute(Event.__table__.select().where(Event.type == "rating.link_replaced")).all()
    assert [link.created_by for link in links] == ["resident: slip key from 127.0.0.1"] and len(logged) == 1


def test_supervisor_page_shows_figures_with_charts_and_calls_back_a_bad_rating(two_months, device, shot):
    hall = two_months
    page = device(width=1366, height=768)
    page.goto(f"{hall.base_url}/supervisor?token={hall.tokens['supervisor']}")
    strip = page.locator("#alerts")
    expect(strip).to_contain_text("待回访 8 条")
    expect(strip).to_contain_text("超期未办 8 条")
    shot(page, "supervisor-alert-strip-1366x768")
    strip.locator("li[data-source=follow-ups] a").click()  # the 好差评 item of the one alert strip
    expect(page).to_have_url(f"{hall.base_url}/supervisor/ratings")
    page.goto(f"{hall.base_url}/supervisor/ratings?from=2026-11-01&to=2026-12-31")
    expect(page.locator("#table tr")).to_have_count(5)  # header, 3 windows, total
    expect(page.locator("#table tr.total")).to_contain_text("84.9%")  # 45 / 53
    assert page.locator("#chart-rates canvas").count() == 1 and page.locator("#chart-levels canvas").count() == 1
    expect(page.locator("#rank-windows li").first).to_contain_text("3号窗口")  # 93.8 %
    expect(page.locator("#follow li.overdue")).to_have_count(8)
    shot(page, "supervisor-ratings-1366x768")
    page.locator("#follow li").first.click()
    page.fill("#note", "已电话联系群众，了解情况")
    page.click("button[data-action='call_back']")
    expect(page.locator("#toast")).to_have_text("已保存")
    expect(page.locator("#follow li.overdue")).to_have_count(7)
    assert hall.client("supervisor").get("/follow-ups/alerts").json()["pending_callback"] == 7


def test_follow_up_detail_names_the_windows_pad_never_prints_null_and_asks_for_the_missing_note(hall, device, shot):
    _serve_and_rate(hall, 3, 1, tags=["等候时间长"])
    [fu] = hall.client("supervisor").get("/follow-ups").json()["items"]
    page = device(width=1366, height=768)
    page.goto(f"{hall.base_url}/supervisor?token={hall.tokens['supervisor']}")
    expect(page.locator(".wcard")).to_have_count(3)  # the token is kept: the ratings page may open
    page.goto(f"{hall.base_url}/supervisor/ratings")
    item = page.locator("#follow li").first
    expect(item).to_contain_text("3号窗口")
    item.click()
    detail = page.locator("#detail")
    # The rating's own step, as staff speak of the device: the window's pad, not its token's label.
    expect(detail.locator(".steps li").first).to_contain_text("3号窗口评价器")
    assert "test pad" not in detail.inner_text()
    for action, note in (("call_back", "已电话联系群众"), ("rectify_deadline", "窗口服务规范培训")):
        page.fill("#note", note)
        page.click(f"button[data-action='{action}']")
        expect(detail.locator(".steps li")).to_have_count(3 if action == "rectify_deadline" else 2)
        assert "null" not in detail.inner_text()
    # 反馈群众 with the box empty: what to write, in Chinese, under the box; nothing is sent.
    page.click("button[data-action='report_back']")
    expect(detail.locator("#step-error")).to_have_text("请填写反馈给群众的处理结果（将以短信发送）。")
    expect(page.locator("#note")).to_be_focused()
    assert hall.client("supervisor").get(f"/follow-ups/{fu['id']}").json()["state"] == "rectify_deadline"
    shot(page, "follow-up-report-back-empty-1366x768")
    page.fill("#note", "已完成培训并向您致歉")
    page.click("button[data-action='report_back']")
    page.click("button[data-action='close-satisfied']")
    expect(detail.locator(".steps li")).to_have_count(5)
    assert "null" not in detail.inner_text()
