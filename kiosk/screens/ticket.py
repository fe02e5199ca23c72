"""Taking a number: the priority groups, the wait for the server, the number and what to do next."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from ..viewmodels.context import Screen
from ..widgets import AMBER, BLUE, TextLabel
from .parts import Parts


class TicketScreens(Parts):
    screens = (Screen.PRIORITY, Screen.WORKING, Screen.TICKET)

    def build_priority(self) -> Widget:
        vm = self.vm
        grid = GridLayout(cols=2, spacing=self.u * 1.5)
        for g in vm.hall.priority_groups():
            grid.add_widget(
                self.button(
                    g["name"],
                    f"priority-{g['code']}",
                    lambda c=g["code"]: vm.issuing.take_priority(c),
                    color=(0.55, 0.1, 0.35, 1),
                )
            )
        return self.column(self.title(self.t("priority_title")), grid, self.back_row())

    def build_working(self) -> Widget:
        return self.column(self.text(self.t("working"), 5, kid="working"))

    def build_ticket(self) -> Widget:
        """The number and what to do next. Rows share the screen by weight rather than fixed heights:
        with fixed heights the portrait 1080×1920 screen was half blank under the 完成 key."""
        vm, ticket = self.vm, self.vm.issuing.ticket or {}
        big = 1.25 if self.portrait else 1.0  # a portrait screen has the height for larger type

        def row(text: str, size: float, weight: float, **kw) -> TextLabel:
            return self.text(text, size * big, size_hint_y=weight, **kw)

        parts: list[Widget] = [
            self.title(self.t("ticket_title")),
            row(ticket.get("matter_name") or self.t("matters_general_name"), 4.2, 0.8, kid="matter"),
        ]
        if ticket.get("channel") == "return":
            # In place of the 您的号码 caption: the case it is for, and who calls it first.
            lane = self.t("ticket_return", case_no=ticket.get("case_no", ""))
            if ticket.get("owner_window"):
                lane += "  " + self.t("ticket_return_window", window=ticket["owner_window"])
            parts.append(row(lane, 3.6, 0.7, kid="return_lane", bold=True))
        else:
            parts.append(row(self.t("ticket_number_caption"), 3.6, 0.5, kid="number_caption"))
        parts += [
            # The number as large as the portrait screen's width allows ("A1000" still fits at 1080 px).
            row(
                ticket.get("number", ""),
                21 if self.portrait else 17,
                1.9,
                kid="number",
                bold=True,
                color=BLUE,
                wrap=False,
            ),
            row(self.t("ticket_waiting_ahead", count=ticket.get("waiting_ahead", 0)), 4.2, 0.6, kid="waiting_ahead"),
        ]
        if ticket.get("estimated_wait_minutes") is not None:
            wait = self.t("ticket_estimated_wait", minutes=ticket["estimated_wait_minutes"])
            if ticket.get("after_break") and ticket.get("expected_start_at"):
                wait = self.t("ticket_after_break", time=vm.hall.when(ticket["expected_start_at"]).split(" ")[-1])
            parts.append(row(wait, 3.8, 0.5, kid="estimated_wait"))
        windows = ticket.get("serving_windows") or []
        if windows and len(windows) < len((vm.hall.info or {}).get("windows") or windows):
            # Some windows close before the ticket is expected: name the ones still serving then.
            shown = "、".join(str(w) for w in windows)
            parts.append(row(self.t("ticket_serving_windows", windows=shown), 3.8, 0.5, kid="serving_windows"))
        if ticket.get("late_risk_accepted"):
            # What the resident accepted at the closing-time question stays on the screen (and the slip).
            closes = vm.hall.when(ticket.get("closes_at")).split(" ")[-1] if ticket.get("closes_at") else "—"
            late = self.t("ticket_late_risk", closes=closes) + "\n" + self.t("ticket_late_book")
            parts.append(row(late, 3.8, 1.1, kid="late_risk", bold=True, background=AMBER))
        note, color, bg = self.print_note(self.t("ticket_remember", number=ticket.get("number", "")))
        parts.append(row(note, 3.6, 0.9, kid="print_note", color=color, background=bg))
        parts.append(self.back_row("done", "ticket_done"))
        return self.column(*parts, spacing=1)
