"""One builder per screen: widgets from the model's state, taps straight to model methods.

Nothing here decides anything; see viewmodels/kiosk_model.py for the behaviour.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from hall_common.i18n import message

from .viewmodels.booking import (
    COMMON_SHOWN,
    SURNAME_LETTERS,
    TITLES,
    day_button_label,
    day_label,
    free_seats,
    slot_time,
    surnames_for,
)
from .viewmodels.case_number_pad import CaseNumberPad
from .viewmodels.keypad import CODE, ID_NUMBER
from .viewmodels.kiosk_model import BOOK, KioskModel, PrintState, Screen
from .viewmodels.matter_finder import LETTERS, layouts
from .widgets import AMBER, BLUE, GREEN, GREY, INK, PAPER, RED, TEAL, KioskButton, TextLabel


class Builder:
    def __init__(self, vm: KioskModel, unit: float, portrait: bool = False, wide: bool = False) -> None:
        # unit: 1 % of the window's shorter side (kiosk/app.py type_unit), so type is the same
        # size on a portrait 1080×1920 kiosk and a landscape 1920×1080 one.
        self.vm, self.u, self.portrait, self.wide = vm, unit, portrait, wide
        # Matter buttons per row: three fit a 16:9 screen at ≥ 48 px type, two a 5:4 or portrait one.
        self.matter_cols = 3 if wide else 2
        # A 5:4 screen has room for four rows of two-line names at that size; the rest of the
        # 常办事项 stay one tap away (按部门查找, 按拼音首字母查找).
        self.frequent_shown = 8 if not (wide or portrait) else 12
        self.t = lambda key, **kw: message(f"kiosk.{key}", vm.locale, **kw)

    def build(self) -> Widget:
        return getattr(self, f"build_{self.vm.screen.value}")()

    # --- pieces -----------------------------------------------------------------------------
    def column(self, *children, spacing: float = 2) -> BoxLayout:
        box = BoxLayout(orientation="vertical", spacing=self.u * spacing, padding=self.u * 2)
        for child in children:
            box.add_widget(child)
        return box

    def title(self, text: str, kid: str = "title") -> TextLabel:
        return TextLabel(
            text, font_size=self.u * 5, bold=True, size_hint_y=None, height=self.u * 9, kid=kid, wrap=False
        )

    def text(self, text: str, size: float = 3.6, kid: str = "", **kw) -> TextLabel:
        return TextLabel(text, font_size=self.u * size, kid=kid, **kw)

    def button(self, text: str, kid: str, tap, color=BLUE, size: float = 4.2, **kw) -> KioskButton:
        return KioskButton(text, kid, tap, color=color, font_size=self.u * size, **kw)

    def with_hint(self, title: str, hint: str, kid: str, tap, color, size: float, ratio: float = 0.45) -> KioskButton:
        """A big button word with a smaller explanation under it (``ratio`` of its size); a long
        hint breaks at its comma. A title of two lines (11月27日 周五 / 明天) goes on one line where
        the button is too short for three (a landscape screen), rather than shrinking."""
        hints = [hint]
        if "，" in hint:
            hints.append(hint.replace("，", "，\n", 1))
        titles = [title] + ([title.replace("\n", "  ")] if "\n" in title else [])

        def compose(font_size: float) -> list[str]:
            small = int(font_size * ratio)
            return [f"{t}\n[size={small}]{h}[/size]" for t in titles for h in hints]

        return self.button("", kid, tap, color=color, size=size, markup=True, compose=compose)

    def matter_button(self, m: dict, tap, size: float = 5) -> KioskButton:
        # Large type for elderly residents; a long name breaks once at a word boundary, never mid-word.
        return self.button(m["name"], f"matter-{m['id']}", tap, size=size, variants=layouts(m["name"]))

    def grid(self, cols: int, spacing: float = 1.5) -> GridLayout:
        return GridLayout(cols=cols, spacing=self.u * spacing)

    def back_row(self, kid: str = "back", label: str = "back") -> BoxLayout:
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t(label), kid, self.vm.back, color=GREY, size=4.6))
        if self.vm.screen in (Screen.MATTERS, Screen.DEPARTMENTS):
            row.add_widget(self.button(self.t("home"), "home", self.vm.home, color=GREY, size=4.6))
        return row

    # --- screens ----------------------------------------------------------------------------
    def build_loading(self) -> Widget:
        return self.column(self.text(self.t("loading"), 5, kid="loading"))

    def build_home(self) -> Widget:
        vm = self.vm
        grid = self.grid(1 if self.portrait else 2, 2)
        for key, kid, tap, color in (
            ("home_take_number", "take_number", vm.open_take_number, BLUE),
            ("home_check_in", "check_in", vm.open_checkin, GREEN),
            ("home_priority", "priority", vm.open_priority, (0.55, 0.1, 0.35, 1)),
            ("home_book", "book", vm.open_booking, TEAL),
            ("home_return", "return", vm.open_return, (0.35, 0.25, 0.05, 1)),
            ("home_progress", "progress", vm.open_progress, GREY),
        ):
            grid.add_widget(self.with_hint(self.t(key), self.t(key + "_hint"), kid, tap, color, 6))
        parts = [self.title(self.t("home_title"))]
        duty = vm.duty_day_text()
        if duty:
            parts.append(
                self.text(duty, 4, kid="duty_day", bold=True, background=AMBER, size_hint_y=None, height=self.u * 8)
            )
        state = vm.hall_state
        if state != "open":
            nxt = vm._when((vm.hall or {}).get("status", {}).get("next_open_at"))
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
        if vm.waiting is not None:
            parts.append(
                self.text(
                    self.t("home_waiting", count=vm.waiting), 3.6, kid="waiting", size_hint_y=None, height=self.u * 6
                )
            )
        return self.column(*parts)

    def build_groups(self) -> Widget:
        """After 取号: the hall's 常办事项 as big buttons, 综合业务, and the two ways to find any other matter."""
        vm = self.vm
        general = self.with_hint(
            self.t("general_matter"),
            self.t("general_matter_hint"),
            "general",
            lambda: vm.pick_matter(None),
            GREEN,
            5,
            ratio=0.72,  # the hint is what a resident unsure of the matter reads: 24 px was too small
        )
        general.size_hint_y, general.height = None, self.u * (16 if self.portrait else 13)
        grid = self.grid(self.matter_cols)
        for m in vm.frequent_matters()[: self.frequent_shown]:
            grid.add_widget(self.matter_button(m, lambda i=m["id"]: vm.pick_matter(i)))
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY, size=4.6))
        row.add_widget(self.button(self.t("find_by_department"), "departments", vm.open_departments, size=4.6))
        row.add_widget(self.button(self.t("find_by_pinyin"), "search", vm.open_search, size=4.6))
        title = self.t("book_matter_title" if vm.purpose == BOOK else "frequent_title")
        return self.column(self.title(title), general, grid, row, spacing=1.5)

    def build_departments(self) -> Widget:
        vm = self.vm
        grid = self.grid(2 if self.portrait else 3)
        for domain, department in vm.groups():
            grid.add_widget(self.button(department, f"group-{domain}", lambda d=domain: vm.choose_group(d), size=5.5))
        return self.column(self.title(self.t("groups_title")), grid, self.back_row())

    def build_matters(self) -> Widget:
        vm = self.vm
        grid = self.grid(self.matter_cols)
        for m in vm.group_matters():
            grid.add_widget(self.matter_button(m, lambda i=m["id"]: vm.pick_matter(i)))
        return self.column(self.title(self.t("matters_title")), grid, self.back_row())

    def build_search(self) -> Widget:
        """An A–Z keyboard for pinyin initials; matching matters appear as big buttons at once."""
        vm = self.vm
        query = vm.search.query
        entry = self.text(
            query or " ",
            6,
            kid="search_entry",
            color=INK,
            background=(0.93, 0.93, 0.93, 1),
            wrap=False,
            size_hint_y=None,
            height=self.u * 10,
        )
        keys = self.grid(7 if self.portrait else 6, 1)
        for letter in LETTERS:
            keys.add_widget(self.button(letter, f"letter-{letter}", lambda k=letter: vm.search_press(k), size=5))
        # 删除 and 清空 get a row of their own: in a letter-sized key their words shrank too small.
        edit = BoxLayout(size_hint_y=None, height=self.u * 9, spacing=self.u * 1)
        edit.add_widget(self.button(self.t("checkin_delete"), "search-del", lambda: vm.search_press("del"), GREY, 4.6))
        edit.add_widget(
            self.button(self.t("checkin_clear"), "search-clear", lambda: vm.search_press("clear"), GREY, 4.6)
        )
        keyboard = BoxLayout(orientation="vertical", spacing=self.u * 1)
        keyboard.add_widget(keys)
        keyboard.add_widget(edit)
        results = self.grid(2 if self.portrait else 1, 1)
        found = vm.search_results()
        for m in found:
            results.add_widget(self.matter_button(m, lambda i=m["id"]: vm.pick_matter(i), size=4.4))
        if not found:
            note = self.t("search_no_result", query=query) if query else self.t("search_waiting")
            results.add_widget(self.text(note, 3.8, kid="search_note", color=RED if query else INK))
        hint = self.text(self.t("search_hint"), 3.4, kid="search_hint", size_hint_y=None, height=self.u * 8)
        if self.portrait:
            keyboard.size_hint_y = 1.1
            body = BoxLayout(orientation="vertical", spacing=self.u * 1.5)
            body.add_widget(results)
            body.add_widget(keyboard)
            left = None
        else:
            left = BoxLayout(orientation="vertical", spacing=self.u * 1.5, size_hint_x=0.55)
            left.add_widget(entry)
            left.add_widget(hint)
            left.add_widget(keyboard)
            body = BoxLayout(spacing=self.u * 2)
            body.add_widget(left)
            body.add_widget(results)
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY, size=4.6))
        if self.portrait:
            return self.column(self.title(self.t("search_title")), entry, hint, body, row, spacing=1.2)
        return self.column(self.title(self.t("search_title")), body, row, spacing=1.2)

    def build_priority(self) -> Widget:
        vm = self.vm
        grid = GridLayout(cols=2, spacing=self.u * 1.5)
        for g in vm.priority_groups():
            grid.add_widget(
                self.button(
                    g["name"],
                    f"priority-{g['code']}",
                    lambda c=g["code"]: vm.take_priority(c),
                    color=(0.55, 0.1, 0.35, 1),
                )
            )
        return self.column(self.title(self.t("priority_title")), grid, self.back_row())

    def build_checkin(self) -> Widget:
        vm, kp = self.vm, self.vm.keypad
        modes = BoxLayout(size_hint_y=None, height=self.u * 9, spacing=self.u * 2)
        for mode, key in ((CODE, "checkin_mode_code"), (ID_NUMBER, "checkin_mode_id")):
            modes.add_widget(
                self.button(
                    self.t(key),
                    f"mode-{mode}",
                    lambda m=mode: vm.keypad_mode(m),
                    color=BLUE if kp.mode == mode else GREY,
                    size=3.6,
                )
            )
        prompt = self.t("checkin_prompt_code" if kp.mode == CODE else "checkin_prompt_id")
        shown = kp.display or " "
        entry = self.text(
            shown,
            6,
            kid="entry",
            color=INK,
            background=(0.93, 0.93, 0.93, 1),
            wrap=False,
            size_hint_y=None,
            height=self.u * 10,
        )
        error = self.text(vm.keypad_error, 3.8, kid="keypad_error", color=RED, size_hint_y=None, height=self.u * 12)
        pad = GridLayout(cols=3, spacing=self.u * 1.2)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X" if kp.mode == ID_NUMBER else "clear", "0", "del"]
        labels = {"clear": self.t("checkin_clear"), "del": self.t("checkin_delete")}
        for key in keys:
            pad.add_widget(
                self.button(
                    labels.get(key, key),
                    f"key-{key}",
                    lambda k=key: vm.keypad_press(k),
                    color=GREY if key in labels else BLUE,
                    size=5,
                )
            )
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY))
        row.add_widget(self.button(self.t("checkin_submit"), "submit", vm.check_in, color=GREEN))
        return self.column(
            self.title(self.t("checkin_title")),
            modes,
            self.text(prompt, 3.6, kid="checkin_prompt", size_hint_y=None, height=self.u * 6),
            entry,
            error,
            pad,
            row,
            spacing=1.2,
        )

    def _case_entry(
        self,
        pad: CaseNumberPad,
        ids: tuple[str, str],
        select: Callable[[str], None],
        placeholder: str,
        labels: tuple[str, str] = ("field_case_no", "progress_field_code"),
    ) -> Widget:
        """Two boxes on one row: the case number and a second code (the notice's query code or the
        phone's last 4 digits); the box the digits go to is blue, touching the other moves them there."""
        second = pad.field == "code"
        # Each box is named above it: a grey box with nothing in it told a resident nothing.
        names = BoxLayout(size_hint_y=None, height=self.u * 6, spacing=self.u * 2)
        for kid, key, share in ((ids[0], labels[0], 0.6), (ids[1], labels[1], 0.4)):
            names.add_widget(self.text(self.t(key), 3.6, kid=f"{kid}_label", wrap=False, size_hint_x=share))
        entry = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        entry.add_widget(
            self.button(
                pad.value or " ",
                ids[0],
                lambda: select("case"),
                color=GREY if second else BLUE,
                size=7,
                size_hint_x=0.6,
            )
        )
        entry.add_widget(
            self.button(
                pad.code or self.t(placeholder),
                ids[1],
                lambda: select("code"),
                color=BLUE if second else GREY,
                size=7 if pad.code else 4.2,
                size_hint_x=0.4,
            )
        )
        both = BoxLayout(orientation="vertical", size_hint_y=None, height=self.u * 17.5, spacing=self.u * 0.5)
        both.add_widget(names)
        both.add_widget(entry)
        return both

    def build_progress(self) -> Widget:
        """The case-number keypad: digits and the dash, no physical keyboard."""
        vm = self.vm
        # Two boxes on one row: the case number and the query code; the box the digits go to is blue,
        # touching the other one moves the digits there.
        entry = self._case_entry(
            vm.case_pad, ("case_entry", "code_entry"), vm.progress_select, "progress_code_placeholder"
        )
        failed = vm.progress_note and not vm.progress_querying
        note = self.text(
            vm.progress_note,
            3.4,
            kid="progress_note",
            color=RED if failed else INK,
            size_hint_y=None,
            height=self.u * 9,
        )
        pad = GridLayout(cols=3, spacing=self.u * 1.2)
        labels = {"del": self.t("checkin_delete"), "-": "－"}
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "-", "0", "del"):
            pad.add_widget(
                self.button(
                    labels.get(key, key),
                    f"case-key-{key}",
                    lambda k=key: vm.progress_press(k),
                    color=GREY if key == "del" else BLUE,
                    size=5.5,
                )
            )
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY))
        row.add_widget(
            self.button(self.t("checkin_clear"), "case-key-clear", lambda: vm.progress_press("clear"), color=GREY)
        )
        row.add_widget(
            self.button(
                self.t("progress_submit"),
                "progress_submit",
                vm.look_up_progress,
                color=GREY if vm.progress_querying else GREEN,
            )
        )
        return self.column(
            self.title(self.t("progress_title")),
            self.text(self.t("progress_prompt_short"), 3.8, kid="progress_prompt", size_hint_y=None, height=self.u * 6),
            entry,
            note,
            pad,
            row,
            spacing=1.2,
        )

    def build_progress_result(self) -> Widget:
        """Large type: matter, stage in plain words, dates, where the result goes; history beside it
        (below it on a portrait screen). Rows share the height they get instead of fixed heights,
        which overlapped the title at 1280×1024."""
        p = self.vm.progress
        tone = {"ready": GREEN, "action": AMBER, "waiting": BLUE}.get(p.tone, GREY)
        left = BoxLayout(orientation="vertical", spacing=self.u)
        left.add_widget(
            self.text(p.matter, 4.8, kid="matter", bold=True, wrap=False, size_hint_y=None, height=self.u * 8)
        )
        left.add_widget(
            self.text(
                p.stage,
                7,
                kid="stage",
                bold=True,
                wrap=False,
                color=INK if tone is AMBER else PAPER,
                background=tone,
                size_hint_y=None,
                height=self.u * 11,
            )
        )
        if p.stage_hint:
            left.add_widget(self.text(p.stage_hint, 3.6, kid="stage_hint", size_hint_y=0.9))
        for i, (caption, value) in enumerate(p.facts):
            left.add_widget(self.text(f"{caption}：{value}", 3.6, kid=f"fact-{i}", halign="left", size_hint_y=0.6))
        right = BoxLayout(orientation="vertical", spacing=self.u * 0.8, padding=self.u * 1.5)
        right.add_widget(
            self.text(
                self.t("progress_steps_title"),
                4,
                bold=True,
                kid="steps_title",
                wrap=False,
                size_hint_y=None,
                height=self.u * 6,
            )
        )
        steps = p.steps[-6:]  # the newest steps; a long history keeps its latest part
        for i, (day, label) in enumerate(steps):
            right.add_widget(self.text(f"{day}\n{label}", 3.2, kid=f"step-{i}", halign="left"))
        if not steps:
            right.add_widget(self.text(self.t("progress_no_steps"), 3.2))
        for _ in range(6 - max(len(steps), 1)):
            right.add_widget(Widget())  # few steps keep their size, at the top
        with right.canvas.before:  # a pale panel sets the history apart from the answer
            Color(0.93, 0.95, 0.98, 1)
            panel = Rectangle(pos=right.pos, size=right.size)
        right.bind(pos=lambda *_: setattr(panel, "pos", right.pos), size=lambda *_: setattr(panel, "size", right.size))
        body = BoxLayout(spacing=self.u * 2, orientation="vertical" if self.portrait else "horizontal")
        left.size_hint = (1, 1) if self.portrait else (0.6, 1)
        right.size_hint = (1, 0.9) if self.portrait else (0.4, 1)
        body.add_widget(left)
        body.add_widget(right)
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(
            self.button(self.t("progress_again"), "progress_again", self.vm.open_progress, color=BLUE, size=4.6)
        )
        row.add_widget(self.button(self.t("home"), "home", self.vm.home, color=GREY, size=4.6))
        return self.column(
            self.title(self.t("progress_case_no", case_no=p.case_no), kid="case_no"), body, row, spacing=1.2
        )

    def build_working(self) -> Widget:
        return self.column(self.text(self.t("working"), 5, kid="working"))

    def build_ticket(self) -> Widget:
        """The number and what to do next. Rows share the screen by weight rather than fixed heights:
        with fixed heights the portrait 1080×1920 screen was half blank under the 完成 key."""
        vm, ticket = self.vm, self.vm.ticket or {}
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
                wait = self.t("ticket_after_break", time=vm._when(ticket["expected_start_at"]).split(" ")[-1])
            parts.append(row(wait, 3.8, 0.5, kid="estimated_wait"))
        windows = ticket.get("serving_windows") or []
        if windows and len(windows) < len((vm.hall or {}).get("windows") or windows):
            # Some windows close before the ticket is expected: name the ones still serving then.
            shown = "、".join(str(w) for w in windows)
            parts.append(row(self.t("ticket_serving_windows", windows=shown), 3.8, 0.5, kid="serving_windows"))
        if ticket.get("late_risk_accepted"):
            # What the resident accepted at the closing-time question stays on the screen (and the slip).
            closes = vm._when(ticket.get("closes_at")).split(" ")[-1] if ticket.get("closes_at") else "—"
            late = self.t("ticket_late_risk", closes=closes) + "\n" + self.t("ticket_late_book")
            parts.append(row(late, 3.8, 1.1, kid="late_risk", bold=True, background=AMBER))
        if vm.print_state is PrintState.PRINTING:
            note, color, bg = self.t("ticket_printing"), INK, None
        elif vm.print_state is PrintState.PRINTED:
            note, color, bg = vm.print_message, GREEN, None
        elif vm.print_state is PrintState.NO_PRINTER:
            note, color, bg = self.t("ticket_remember", number=ticket.get("number", "")), INK, None
        else:
            note, color, bg = vm.print_message, INK, AMBER
        parts.append(row(note, 3.6, 0.9, kid="print_note", color=color, background=bg))
        parts.append(self.back_row("done", "ticket_done"))
        return self.column(*parts, spacing=1)

    def _notice_screen(self, extra: list[Widget] | None = None) -> Widget:
        return self.column(
            self.title(self.vm.notice_title),
            self.text(self.vm.notice_text, 4, kid="notice"),
            *(extra or []),
            self.back_row(),
        )

    def build_refused(self) -> Widget:
        if not self.vm.offer_booking:
            return self._notice_screen()
        # Today's numbers are gone (closing): booking another day is the answer, not a dead end.
        row = BoxLayout(size_hint_y=None, height=self.u * 11)
        row.add_widget(self.button(self.t("closed_book"), "refused_book", self.vm.book_instead, color=TEAL))
        return self._notice_screen([row])

    def build_uncertain(self) -> Widget:
        return self._notice_screen()

    def build_closed(self) -> Widget:
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("closed_book"), "closed_book", self.vm.book_instead, color=TEAL))
        row.add_widget(self.button(self.t("closed_checkin"), "closed_checkin", self.vm.open_checkin, color=GREEN))
        return self._notice_screen([row])

    def build_consent(self) -> Widget:
        vm = self.vm
        parts = [
            self.title(self.t("consent_title")),
            self.text(
                self.t(
                    "consent_text",
                    ahead=vm.consent_ahead if vm.consent_ahead is not None else "—",
                    closes=vm._when(vm.consent_closes).split(" ")[-1],
                ),
                4,
                kid="consent_text",
            ),
        ]
        if vm.next_open_at:
            parts.append(
                self.text(
                    self.t("consent_next_open", when=vm._when(vm.next_open_at)),
                    3.6,
                    size_hint_y=None,
                    height=self.u * 7,
                )
            )
        row = BoxLayout(size_hint_y=None, height=self.u * 13, spacing=self.u * 2)
        row.add_widget(self.button(self.t("consent_decline"), "decline", vm.home, color=GREY))
        row.add_widget(self.button(self.t("consent_accept"), "accept", vm.accept_late, color=GREEN))
        parts.append(row)
        book = BoxLayout(size_hint_y=None, height=self.u * 11)
        book.add_widget(self.button(self.t("consent_book"), "consent_book", vm.book_instead, color=TEAL))
        parts.append(book)
        return self.column(*parts)

    def build_admin(self) -> Widget:
        return self.column(
            self.title(self.t("admin_title")),
            self.text(self.vm.admin_error or "", 3.6, kid="admin_text", color=PAPER, background=RED),
        )

    # --- 预约办理 -----------------------------------------------------------------------------
    def _book_note(self) -> TextLabel:
        b = self.vm.booking
        failed = b.note and not b.submitting and not b.loading
        return self.text(
            b.note, 3.4, kid="book_note", color=RED if failed else INK, size_hint_y=None, height=self.u * 8
        )

    def build_book_day(self) -> Widget:
        """The next days with a free seat, as big buttons: the date as residents say it, seats left."""
        vm, b = self.vm, self.vm.booking
        today = vm.client.server_now().astimezone(vm.timezone).date()
        # Four a row on a 16:9 screen: two a row made its eight buttons too short for 可约 N 人 at reading size.
        grid = self.grid(4 if self.wide else 2, 1.5)
        for i, day in enumerate(b.days):
            grid.add_widget(
                self.with_hint(
                    day_button_label(day.day, today, vm.locale),
                    self.t("book_day_free", free=day.free),
                    f"day-{day.day.isoformat()}",
                    lambda i=i: vm.choose_day(i),
                    TEAL,
                    5,
                    ratio=0.75,  # 可约 N 人 decides the day: it was drawn at ~20 px
                )
            )
        body: Widget = grid
        if b.loading:
            body = self.text(self.t("book_loading"), 4.2, kid="book_loading")
        parts = [
            self.title(self.t("book_day_title")),
            self.text(b.matter_name, 4, kid="book_matter", bold=True, size_hint_y=None, height=self.u * 7),
            body,
        ]
        if b.note or not b.days:
            parts.append(self._book_note())
        parts.append(self.back_row())
        return self.column(*parts, spacing=1.2)

    def build_book_slot(self) -> Widget:
        vm, b = self.vm, self.vm.booking
        today = vm.client.server_now().astimezone(vm.timezone).date()
        day = day_label(b.day.day, today, vm.locale) if b.day else ""
        slots = b.free_slots()
        grid = self.grid(3 if self.portrait else 4, 1.5)
        for slot in slots:
            hint = self.t("book_slot_free", free=free_seats(slot))
            if slot.get("window_numbers"):
                windows = "、".join(str(w) for w in slot["window_numbers"])
                hint += " · " + self.t("book_slot_windows", windows=windows)
            grid.add_widget(
                self.with_hint(
                    slot_time(slot),
                    hint,
                    f"slot-{slot['start'][11:16]}",
                    lambda start=slot["start"]: vm.choose_slot(start),
                    TEAL,
                    5,
                )
            )
        for _ in range((-len(slots)) % grid.cols or 0):
            grid.add_widget(Widget())  # a short last row keeps its buttons' size
        parts = [self.title(self.t("book_slot_title", day=day), kid="book_slot_title")]
        if slots:
            parts.append(grid)
        else:
            parts.append(self.text(self.t("book_no_slots"), 4.2, kid="book_no_slots"))
        if b.note:
            parts.append(self._book_note())
        parts.append(self.back_row())
        return self.column(*parts, spacing=1.2)

    def build_book_name(self) -> Widget:
        """Surname keys (common first, or by pinyin initial) and 先生/女士: no typing Chinese."""
        vm, b = self.vm, self.vm.booking
        top = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        shown = b.name or (b.surname + "…" if b.surname else self.t("book_name_none"))
        top.add_widget(
            self.text(
                shown,
                6 if b.surname else 4.2,
                kid="book_name",
                bold=bool(b.surname),
                wrap=False,
                background=(0.93, 0.93, 0.93, 1),
                size_hint_x=0.5,
            )
        )
        for title in TITLES:
            top.add_widget(
                self.button(
                    title,
                    f"title-{title}",
                    lambda t=title: vm.name_title(t),
                    color=TEAL if b.title == title else GREY,
                    size=6,
                    size_hint_x=0.25,
                )
            )
        surnames = self.grid(6, 1)
        for name in surnames_for(b.letter):
            surnames.add_widget(
                self.button(
                    name,
                    f"surname-{name}",
                    lambda n=name: vm.name_surname(n),
                    color=TEAL if b.surname == name else BLUE,
                    size=6.5,
                )
            )
        for _ in range(COMMON_SHOWN - len(surnames.children)):
            surnames.add_widget(Widget())  # a letter with few surnames keeps the keys' size
        letters = self.grid(7 if self.portrait else 5, 0.8)
        for letter in SURNAME_LETTERS:
            letters.add_widget(
                self.button(
                    letter,
                    f"initial-{letter}",
                    lambda k=letter: vm.name_letter(None if b.letter == k else k),
                    color=TEAL if b.letter == letter else GREY,
                    size=4.6,
                )
            )
        caption = self.t("book_name_letter", letter=b.letter) if b.letter else self.t("book_name_common")
        left = BoxLayout(orientation="vertical", spacing=self.u)
        left.add_widget(self.text(caption, 3.4, kid="surname_caption", size_hint_y=None, height=self.u * 5))
        left.add_widget(surnames)
        right = BoxLayout(orientation="vertical", spacing=self.u)
        right.add_widget(
            self.text(self.t("book_name_by_letter"), 3.2, kid="letter_caption", size_hint_y=None, height=self.u * 7)
        )
        right.add_widget(letters)
        body = BoxLayout(orientation="vertical" if self.portrait else "horizontal", spacing=self.u * 2)
        left.size_hint = (1, 1.3) if self.portrait else (0.58, 1)
        right.size_hint = (1, 0.9) if self.portrait else (0.42, 1)
        body.add_widget(left)
        body.add_widget(right)
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY))
        row.add_widget(self.button(self.t("book_next"), "name_next", vm.name_done, color=GREEN if b.name else GREY))
        return self.column(self.title(self.t("book_name_title")), top, body, self._book_note(), row, spacing=1.2)

    def _digit_pad(self, prefix: str, press, left_key: str, right_key: str, size: float = 5.5) -> GridLayout:
        pad = GridLayout(cols=3, spacing=self.u * 1.2)
        labels = {"del": self.t("checkin_delete"), "clear": self.t("checkin_clear"), "-": "－"}
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", left_key, "0", right_key):
            pad.add_widget(
                self.button(
                    labels.get(key, key),
                    f"{prefix}-{key}",
                    lambda k=key: press(k),
                    color=GREY if key in ("del", "clear") else BLUE,
                    size=size,
                )
            )
        return pad

    def build_book_phone(self) -> Widget:
        vm, b = self.vm, self.vm.booking
        today = vm.client.server_now().astimezone(vm.timezone).date()
        summary = self.t(
            "book_summary",
            matter=b.matter_name,
            day=day_label(b.day.day, today, vm.locale) if b.day else "",
            time=slot_time(b.slot) if b.slot else "",
            name=b.name,
        )
        info = BoxLayout(orientation="vertical", spacing=self.u)
        info.add_widget(
            self.text(
                summary, 4, kid="book_summary", background=(0.9, 0.96, 0.96, 1), size_hint_y=None, height=self.u * 13
            )
        )
        info.add_widget(self.text(self.t("book_phone_prompt"), 3.2, size_hint_y=None, height=self.u * 7))
        info.add_widget(
            self.text(
                b.phone_display or " ",
                6.5,
                kid="phone_entry",
                wrap=False,
                background=(0.93, 0.93, 0.93, 1),
                size_hint_y=None,
                height=self.u * 11,
            )
        )
        info.add_widget(self._book_note())
        pad = self._digit_pad("phone-key", vm.phone_press, "clear", "del")
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY))
        row.add_widget(
            self.button(
                self.t("book_confirm"),
                "book_confirm",
                vm.confirm_booking,
                color=GREEN if b.phone_complete and not b.submitting else GREY,
            )
        )
        if self.portrait:
            info.size_hint_y = None
            info.height = self.u * 42
            return self.column(self.title(self.t("book_phone_title")), info, pad, row, spacing=1.2)
        body = BoxLayout(spacing=self.u * 2)
        info.size_hint_x, pad.size_hint_x = 0.55, 0.45
        info.add_widget(Widget())
        body.add_widget(info)
        body.add_widget(pad)
        return self.column(self.title(self.t("book_phone_title")), body, row, spacing=1.2)

    def build_booked(self) -> Widget:
        vm, appt, b = self.vm, self.vm.appointment or {}, self.vm.booking
        today = vm.client.server_now().astimezone(vm.timezone).date()
        when = self.t(
            "booked_when",
            day=day_label(b.day.day, today, vm.locale) if b.day else "",
            time=slot_time({"start": appt.get("slot_start", ""), "end": appt.get("slot_end", "")})
            if appt.get("slot_start")
            else "",
        )
        parts: list[Widget] = [
            self.title(self.t("booked_title")),
            self.text(b.matter_name, 4.2, kid="matter", size_hint_y=None, height=self.u * 7),
            self.text(self.t("booked_code_caption"), 3.4, size_hint_y=None, height=self.u * 5),
            self.text(
                appt.get("code", ""),
                13,
                kid="code",
                bold=True,
                color=TEAL,
                wrap=False,
                size_hint_y=None,
                height=self.u * 14,
            ),
            self.text(when, 4.6, kid="booked_when", bold=True, wrap=False, size_hint_y=None, height=self.u * 7),
        ]
        windows = (b.slot or {}).get("window_numbers") or []
        if windows:
            parts.append(
                self.text(
                    self.t("booked_windows", windows="、".join(str(w) for w in windows)),
                    4,
                    kid="booked_windows",
                    size_hint_y=None,
                    height=self.u * 6,
                )
            )
        parts.append(self.text(self.t("booked_hint"), 3.4, kid="booked_hint"))
        if vm.print_state is PrintState.PRINTING:
            note, color, bg = self.t("ticket_printing"), INK, None
        elif vm.print_state is PrintState.PRINTED:
            note, color, bg = vm.print_message, GREEN, None
        elif vm.print_state is PrintState.NO_PRINTER:
            note, color, bg = "", INK, None
        else:
            note, color, bg = vm.print_message, INK, AMBER
        parts.append(
            self.text(note, 3.4, kid="print_note", color=color, background=bg, size_hint_y=None, height=self.u * 10)
        )
        parts.append(self.back_row("done", "ticket_done"))
        return self.column(*parts, spacing=1)

    # --- 补交材料 / 领取结果 ---------------------------------------------------------------------
    def build_return(self) -> Widget:
        vm, pad = self.vm, self.vm.return_pad
        entry = self._case_entry(
            pad,
            ("return_case", "return_tail"),
            vm.return_select,
            "return_tail_placeholder",
            ("field_case_no", "return_field_tail"),
        )
        note = self.text(vm.return_note, 3.4, kid="return_note", color=RED, size_hint_y=None, height=self.u * 9)
        keys = self._digit_pad("return-key", vm.return_press, "-", "del")
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY))
        row.add_widget(
            self.button(self.t("checkin_clear"), "return-key-clear", lambda: vm.return_press("clear"), color=GREY)
        )
        row.add_widget(self.button(self.t("return_submit"), "return_submit", vm.submit_return, color=GREEN))
        return self.column(
            self.title(self.t("return_title")),
            self.text(self.t("return_prompt"), 3.4, kid="return_prompt", size_hint_y=None, height=self.u * 8),
            entry,
            note,
            keys,
            row,
            spacing=1.2,
        )
