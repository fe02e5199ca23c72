"""Charts of counts (ratings, tickets) step in whole numbers: with one rating ECharts drew 0.2, 0.4 …"""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import supervisor_login
from .test_follow_ups import _serve_and_rate

TICKS = """(id) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const axis = chart && chart.getModel().getComponent("yAxis", 0);
  return axis ? axis.axis.scale.getTicks().map((t) => t.value) : null;
}"""


def ticks_of(page, chart_id: str) -> list[float]:
    page.wait_for_function(f"() => ({TICKS})({chart_id!r}) !== null && ({TICKS})({chart_id!r}).length > 1")
    return page.evaluate(TICKS, chart_id)


def test_count_charts_step_in_whole_numbers(hall, device, shot):
    _serve_and_rate(hall, 3, 1)  # one rating, one ticket: the smallest counts a chart can have
    page = device(width=1366, height=768)
    supervisor_login(page, hall)
    page.goto(f"{hall.base_url}/supervisor/ratings")
    expect(page.locator("#table tr.total")).to_contain_text("1")
    levels = ticks_of(page, "chart-levels")
    assert levels and all(float(v).is_integer() for v in levels), levels
    shot(page, "ratings-chart-whole-numbers-1366x768")
    page.goto(f"{hall.base_url}/supervisor/stats")
    volume = ticks_of(page, "chart-volume")
    assert volume and all(float(v).is_integer() for v in volume), volume
    shot(page, "stats-chart-whole-numbers-1366x768")
