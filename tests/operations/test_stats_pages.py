"""The statistics page and the county view in headless Chromium at the terminal's 1366x768."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHOTS = Path(os.environ.get("YICHUANG_SCREENSHOTS", "/tmp/operations_shots"))
DRAWN = """(id) => {
  const c = document.querySelector('#' + id + ' canvas');
  if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""


@pytest.fixture(scope="module")
def history_hall(history_sqlite):
    return history_sqlite


def open_stats(device, hall, path, token):
    page = device(1366, 768)
    page.goto(f"{hall.base_url}{path}?token={token}&from=2026-09-01&to=2026-10-31")
    page.wait_for_selector("body[data-loaded='1']")
    return page


def test_statistics_page_draws_its_charts_and_table(device, history_hall):
    page = open_stats(device, history_hall, "/supervisor/stats", history_hall.tokens["supervisor"])
    for chart in ("chart-volume", "chart-wait", "chart-heat"):
        assert page.evaluate(DRAWN, chart) > 1000, chart
    assert page.locator("#title").inner_text() == "统计分析"
    assert page.locator("#table tr.total th").nth(1).inner_text() == "240"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "stats_1366x768.png"))


def test_statistics_page_grouped_by_window_lists_the_three_windows(device, history_hall):
    page = open_stats(device, history_hall, "/supervisor/stats", history_hall.tokens["supervisor"])
    page.select_option("#by", "window")
    page.click("#go")
    page.wait_for_function("() => document.querySelectorAll('#table tr').length === 6")
    labels = page.locator("#table tr td:first-child").all_inner_texts()
    assert labels == ["未叫号", "综合窗口1", "综合窗口2", "综合窗口3"]


def second_hall(hall):
    """A second town's hall on the same database: three tickets this morning, one served after 25 minutes."""
    from datetime import timedelta

    from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
    from hall_server.services.access import Principal
    from hall_server.services.hall_setup import add_staff
    from hall_server.services.ticketing import IssueRequest

    srv = hall.server
    text = pilot_hall_text().replace('code = "banzhuyuan"', 'code = "huaishu"')
    config = parse_hall_config(text.replace('name = "金寨县斑竹园镇', 'name = "金寨县槐树湾乡'), "huaishu.toml")
    hall_id = srv.install(config)
    add_staff(srv.services, hall_id, "HSW001", "赵敏")
    clerk = Principal(hall_id, "clerk", "clerk-1", 1)
    srv.windows.sign_in(Principal(hall_id, "supervisor", "supervisor"), 1, "HSW001", "A")
    start = hall.clock.now()
    for _ in range(3):
        srv.tickets.issue(Principal(hall_id, "kiosk", "kiosk"), IssueRequest())
    hall.clock.set(start + timedelta(minutes=25))
    srv.windows.call_next(clerk, 1)
    srv.windows.start(clerk, 1)
    srv.windows.finish(clerk, 1)


def test_county_view_ranks_halls_and_drills_into_one(device, history_hall):
    second_hall(history_hall)
    page = device(1366, 768)
    page.goto(f"{history_hall.base_url}/county?token={history_hall.tokens['county']}&from=2026-09-01&to=2026-11-26")
    page.wait_for_selector("body[data-loaded='1']")
    assert page.evaluate(DRAWN, "chart-volume") > 1000
    page.select_option("#rank", "wait_p50_s")
    first = page.locator("#table tr td:first-child")
    # ranked by median wait, shortest first: 斑竹园镇 waits minutes, 槐树湾乡's one call came after 25
    assert first.all_inner_texts() == ["1. 金寨县斑竹园镇便民服务中心", "2. 金寨县槐树湾乡便民服务中心"]
    page.screenshot(path=str(SHOTS / "county_1366x768.png"))
    page.select_option("#rank", "overdue")
    page.wait_for_function("() => document.querySelector('#table tr td').textContent.includes('槐树湾乡')")
    page.locator("#table tr td:first-child").nth(1).click()
    page.wait_for_function(
        "() => document.getElementById('by').value === 'day' && document.querySelectorAll('#table tr').length > 10"
    )
    assert page.locator("#hall").input_value() == "banzhuyuan"


def test_statistics_page_refused_to_a_clerk_says_why_in_chinese(device, history_hall):
    page = device(1366, 768)
    page.goto(f"{history_hall.base_url}/supervisor/stats?token={history_hall.tokens['clerk-1']}")
    page.wait_for_selector("#toast:not([hidden])")
    assert "无权" in page.locator("#toast").inner_text()


def test_statistics_page_in_an_english_browser_still_shows_the_halls_chinese_names(browser, history_hall):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    try:
        page = ctx.new_page()
        url = f"{history_hall.base_url}/supervisor/stats?token={history_hall.tokens['supervisor']}"
        page.goto(url + "&from=2026-09-01&to=2026-10-31&by=window")
        page.wait_for_selector("body[data-loaded='1']")
        assert "综合窗口1" in page.locator("#table").inner_text()
        # one language on the page: the catalog's and the API's labels both Chinese
        assert page.locator("#title").inner_text() == "统计分析"
        assert page.locator("#table tr td:first-child").first.inner_text() == "未叫号"
        assert page.evaluate(DRAWN, "chart-volume") > 1000
        page.screenshot(path=str(SHOTS / "stats_en_1366x768.png"))
    finally:
        ctx.close()
