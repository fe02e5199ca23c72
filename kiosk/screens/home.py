"""The first screen (the hall's state, the six ways in), the loading screen, and the administrator's."""

from __future__ import annotations

from kivy.uix.widget import Widget

from ..viewmodels.context import Screen
from ..widgets import AMBER, BLUE, GREEN, GREY, PAPER, RED, TEAL
from .parts import Parts


class HomeScreens(Parts):
    screens = (Screen.LOADING, Screen.HOME, Screen.ADMIN)

    def build_loading(self) -> Widget:
        return self.column(self.text(self.t("loading"), 5, kid="loading"))

    def build_home(self) -> Widget:
        vm = self.vm
        grid = self.grid(1 if self.portrait else 2, 2)
        for key, kid, tap, color in (
            ("home_take_number", "take_number", vm.open_take_number, BLUE),
            ("home_check_in", "check_in", vm.checkin.open, GREEN),
            ("home_priority", "priority", vm.issuing.open_priority, (0.55, 0.1, 0.35, 1)),
            ("home_book", "book", vm.open_booking, TEAL),
            ("home_return", "return", vm.return_lane.open, (0.35, 0.25, 0.05, 1)),
            ("home_progress", "progress", vm.progress.open, GREY),
        ):
            grid.add_widget(self.with_hint(self.t(key), self.t(key + "_hint"), kid, tap, color, 6))
        parts = [self.title(self.t("home_title"))]
        duty = vm.hall.duty_day_text()
        if duty:
            parts.append(
                self.text(duty, 4, kid="duty_day", bold=True, background=AMBER, size_hint_y=None, height=self.u * 8)
            )
        state = vm.hall.state
        if state != "open":
            nxt = vm.hall.when(vm.hall.next_open_at)
            title = self.t("appointment_only_title" if state == "appointment_only" else "closed_title")
            parts.append(
                self.text(
                    f"{title}  {self.t('closed_next_open', when=nxt)}",
                    3.6,
                    kid="closed_note",
                    color=PAPER,
                    background=RED,
                    size_hint_y=None,
                    height=self.u * 8,
                )
            )
        parts.append(grid)
        if vm.hall.waiting is not None:
            parts.append(
                self.text(
                    self.t("home_waiting", count=vm.hall.waiting),
                    3.6,
                    kid="waiting",
                    size_hint_y=None,
                    height=self.u * 6,
                )
            )
        return self.column(*parts)

    def build_admin(self) -> Widget:
        return self.column(
            self.title(self.t("admin_title")),
            self.text(self.vm.ctx.admin_error or "", 3.6, kid="admin_text", color=PAPER, background=RED),
        )
