"""Finding the matter, for a number now or for a booking: the hall's 常办事项, by department, or by
the pinyin initials typed on the A–Z keys (the finding itself is matter_finder.py)."""

from __future__ import annotations

from .context import Context, Screen
from .hall_state import HallState
from .matter_finder import SearchBox

TICKET, BOOK = "ticket", "book"  # what choosing a matter does


class MatterChoice:
    def __init__(self, ctx: Context, hall: HallState) -> None:
        self.ctx, self.hall = ctx, hall
        self.purpose = TICKET
        self.group: str | None = None  # the department whose matters are shown
        self.search = SearchBox()

    def reset(self) -> None:
        self.purpose, self.group, self.search = TICKET, None, SearchBox()

    def groups(self) -> list[tuple[str, str]]:
        """(domain, department) in catalog order; a group's button says the department's name."""
        return self.hall.finder.departments()

    def frequent_matters(self) -> list[dict]:
        return self.hall.finder.frequent()

    def open_departments(self) -> None:
        self.ctx.go(Screen.DEPARTMENTS)

    def choose_group(self, domain: str) -> None:
        self.group = domain
        self.ctx.go(Screen.MATTERS)

    def group_matters(self) -> list[dict]:
        return self.hall.finder.in_department(self.group)

    def open_search(self) -> None:
        self.search = SearchBox()
        self.ctx.go(Screen.SEARCH)

    def search_press(self, key: str) -> None:
        self.search.press(key)
        self.ctx.changed()

    def search_results(self) -> list[dict]:
        return self.hall.finder.search(self.search.query)
