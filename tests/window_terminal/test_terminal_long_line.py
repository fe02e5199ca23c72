"""A long line on the terminal: the clerk sees the head of it, how many more wait behind, and how
many of each class (priority, appointments due, transfers), not thousands of rows."""

from __future__ import annotations

from playwright.sync_api import expect

from hall_server.services.desk_view import DESK_LINE_ROWS

from .conftest import issue, login


def test_the_terminal_lists_the_head_of_a_long_line_and_counts_the_rest_by_class(hall, device):
    issue(hall, 2, priority_group="elderly", accept_late_risk=True)
    issue(hall, DESK_LINE_ROWS + 3, accept_late_risk=True)
    page = device(1366, 768)
    login(page, hall, 1, "BZY001")
    expect(page.locator("#h-line")).to_have_text(f"等候队列（{DESK_LINE_ROWS + 5}人）")
    expect(page.locator("#line li:not(.more)")).to_have_count(DESK_LINE_ROWS)
    expect(page.locator("#line li").first).to_contain_text("V001")
    expect(page.locator("#line-more")).to_have_text("……后面还有5人，按顺序叫号")
    expect(page.locator("#line-classes")).to_have_text(f"优先2 · 普通{DESK_LINE_ROWS + 3}")
    expect(page.locator("#act-call-next")).to_be_enabled()
    page.keyboard.press("n")  # the clerk calls from the head; the count behind follows
    expect(page.locator("#current-number")).to_have_text("V001")
    expect(page.locator("#line-more")).to_have_text("……后面还有4人，按顺序叫号")
    expect(page.locator("#line-classes")).to_have_text(f"优先1 · 普通{DESK_LINE_ROWS + 3}")
