"""The county ranking by 好评率 (with 差评 and overdue follow-ups): the API, the county view in
headless Chromium, and the county's monthly report read back. Two towns on one database; each
service served by a clerk and rated at the window's pad, on a frozen clock."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest

from hall_server.core.clock import parse_local_time
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
from hall_server.services.access import Principal
from hall_server.services.hall_setup import add_staff
from hall_server.services.ticketing import IssueRequest

SHOTS = Path(os.environ.get("YICHUANG_SCREENSHOTS", "/tmp/operations_shots"))
PERIOD = {"from": "2026-11-01", "to": "2026-11-30", "by": "hall"}


def serve_and_rate(hall, levels: list[int]) -> None:
    """斑竹园镇 (the live hall): each level a ticket served at window 1 and rated at its pad, over HTTP."""
    kiosk, clerk, pad = hall.client("kiosk"), hall.client("clerk-1"), hall.client("pad-1")
    for level in levels:
        assert kiosk.post("/tickets", json={}).status_code == 201
        ticket = clerk.post("/windows/1/call-next").json()["ticket"]
        clerk.post("/windows/1/start")
        assert clerk.post("/windows/1/finish").status_code == 200
        r = pad.post("/pads/1/rating", json={"ticket_id": ticket["id"], "level": level})
        assert r.status_code == 201, r.text


def second_town(hall, levels: list[int]) -> int:
    """槐树湾乡 on the same database, whose hall counts only 5 and 4 as 好评 (its own good_levels)."""
    srv = hall.server
    text = pilot_hall_text().replace('code = "banzhuyuan"', 'code = "huaishu"')
    text = text.replace('name = "金寨县斑竹园镇', 'name = "金寨县槐树湾乡').replace(
        "good_levels = [5, 4, 3]", "good_levels = [5, 4]"
    )
    hall_id = srv.install(parse_hall_config(text, "huaishu.toml"))
    add_staff(srv.services, hall_id, "HSW001", "赵敏")
    srv.windows.sign_in(Principal(hall_id, "supervisor", "setup"), 1, "HSW001", "A")
    clerk, pad = Principal(hall_id, "clerk", "clerk-1", 1), Principal(hall_id, "pad", "pad-1", 1)
    for level in levels:
        srv.tickets.issue(Principal(hall_id, "kiosk", "kiosk"), IssueRequest())
        ticket = srv.windows.call_next(clerk, 1)["ticket"]
        srv.windows.start(clerk, 1)
        srv.windows.finish(clerk, 1)
        srv.ratings.rate_at_pad(pad, 1, ticket["id"], level)
    return hall_id


@pytest.fixture
def county(live_hall_any):
    """Thursday 2026-11-26: 斑竹园镇 rated 5, 5, 1 (its 差评 opens a follow-up), 槐树湾乡 4 and 3;
    then Monday 2026-11-30, when the 回访 due by Friday's close is overdue."""
    hall = live_hall_any
    serve_and_rate(hall, [5, 5, 1])
    second_town(hall, [4, 3])
    hall.clock.set(parse_local_time("2026-11-30 10:00"))
    hall.tokens["county"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="县数据局")
    return hall


def test_county_ranking_carries_each_halls_good_rate_poor_ratings_and_overdue_follow_ups(county):
    data = county.client("county").get("/stats", params=PERIOD).json()
    rows = {r["key"]: r for r in data["rows"]}
    assert {k: (r["rated"], r["good_rate"], r["bad_ratings"], r["follow_ups_overdue"]) for k, r in rows.items()} == {
        "banzhuyuan": (3, 0.6667, 1, 1),
        "huaishu": (2, 0.5, 0, 0),  # 3 is not 好评 in this town
    }
    total = data["total"]
    assert (total["rated"], total["good_rate"], total["bad_ratings"], total["follow_ups_overdue"]) == (5, 0.6, 1, 1)


def test_a_follow_up_called_back_in_time_is_not_counted_overdue(live_hall_any):
    hall = live_hall_any
    serve_and_rate(hall, [1])
    sup = hall.client("supervisor")
    follow_up = sup.get("/follow-ups", params={"state": "pending_callback"}).json()["items"][0]
    assert sup.post(f"/follow-ups/{follow_up['id']}/call_back", json={"note": "已电话联系"}).status_code == 200
    hall.clock.set(parse_local_time("2026-11-30 10:00"))
    hall.tokens["county"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="县数据局")
    row = hall.client("county").get("/stats", params=PERIOD).json()["rows"][0]
    assert (row["bad_ratings"], row["follow_ups_overdue"]) == (1, 0)


ZH_HEADS = ("好评率", "差评数", "回访整改超期")


@pytest.mark.parametrize(
    ("browser_locale", "lang", "heads"),
    [
        ("zh-CN", "", ZH_HEADS),
        ("en-US", "", ZH_HEADS),  # a county PC with an English system still gets the Chinese page
        ("en-US", "&lang=en", ("Good-rating rate", "Poor ratings", "Follow-ups overdue")),
    ],
)
def test_county_view_ranks_the_towns_by_good_rate(browser, county, browser_locale, lang, heads):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale=browser_locale)
    try:
        page = context.new_page()
        page.goto(f"{county.base_url}/county?token={county.tokens['county']}&from=2026-11-01&to=2026-11-30{lang}")
        page.wait_for_selector("body[data-loaded='1']")
        assert page.locator("#rank").input_value() == "good_rate"
        assert page.locator("#table tr td:first-child").all_inner_texts() == [
            "1. 金寨县斑竹园镇便民服务中心",
            "2. 金寨县槐树湾乡便民服务中心",
        ]
        shown = page.locator("#table tr th").all_inner_texts()
        first = page.locator("#table tr").nth(1).locator("td").all_inner_texts()
        assert set(heads) <= set(shown), shown
        assert [first[shown.index(h)] for h in heads] == ["66.7%", "1", "1"]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"county_ratings_{browser_locale}{lang[1:]}.png"), full_page=True)
        page.select_option("#rank", "bad_ratings")  # fewer 差评 first
        page.wait_for_function("() => document.querySelector('#table tr td').textContent.includes('槐树湾乡')")
    finally:
        context.close()


def test_county_monthly_report_opens_with_the_halls_ranked_by_good_rate(county):
    client = county.client("county")
    r = client.get("/reports/monthly.xlsx", params={"month": "2026-11"})
    assert r.status_code == 200, r.text
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:2] == ["概览", "按中心"]
    sheet = wb["按中心"]
    head = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    api = {x["label"]: x for x in client.get("/stats", params=PERIOD).json()["rows"]}
    got = [
        (row[0], row[head.index("好评率")], row[head.index("差评数")], row[head.index("回访整改超期")]) for row in rows
    ]
    assert got == [
        ("1. 金寨县斑竹园镇便民服务中心", api["金寨县斑竹园镇便民服务中心"]["good_rate"], 1, 1),
        ("2. 金寨县槐树湾乡便民服务中心", api["金寨县槐树湾乡便民服务中心"]["good_rate"], 0, 0),
    ]
    cover = [row for row in wb["概览"].iter_rows(values_only=True) if row and row[0]]
    assert ("好评率", 60.0) in cover and wb["概览"]["A1"].value == "全县各便民服务中心"


def test_county_monthly_pdf_shows_the_ranking(county, tmp_path):
    import subprocess

    r = county.client("county").get("/reports/monthly.pdf", params={"month": "2026-11"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    pdf = tmp_path / "county.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "按中心" in text and "1. 金寨县斑竹园镇" in text and "66.7%" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SHOTS / "county_monthly")], check=True)


def test_supervisors_figures_of_their_own_hall_carry_no_county_columns(county):
    rows = county.client("supervisor").get("/stats", params={**PERIOD, "by": "window"}).json()["rows"]
    assert rows and all("good_rate" not in r for r in rows)
