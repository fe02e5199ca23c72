"""One builder per screen: widgets from the model's state, taps straight to model methods.

Nothing here decides anything; see viewmodels/kiosk_model.py for the behaviour.
"""

from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from hall_common.i18n import message

from .viewmodels.keypad import CODE, ID_NUMBER
from .viewmodels.kiosk_model import KioskModel, PrintState, Screen
from .widgets import AMBER, BLUE, GREEN, GREY, INK, PAPER, RED, KioskButton, TextLabel


class Builder:
    def __init__(self, vm: KioskModel, unit: float) -> None:
        self.vm, self.u = vm, unit  # unit: 1 % of the window's height
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
        return TextLabel(text, font_size=self.u * 5, bold=True, size_hint_y=None, height=self.u * 9, kid=kid)

    def text(self, text: str, size: float = 3.6, kid: str = "", **kw) -> TextLabel:
        return TextLabel(text, font_size=self.u * size, kid=kid, **kw)

    def button(self, text: str, kid: str, tap, color=BLUE, size: float = 4.2, **kw) -> KioskButton:
        return KioskButton(text, kid, tap, color=color, font_size=self.u * size, **kw)

    def back_row(self, kid: str = "back", label: str = "back") -> BoxLayout:
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t(label), kid, self.vm.back, color=GREY))
        if self.vm.screen in (Screen.MATTERS,):
            row.add_widget(self.button(self.t("home"), "home", self.vm.home, color=GREY))
        return row

    # --- screens ----------------------------------------------------------------------------
    def build_loading(self) -> Widget:
        return self.column(self.text(self.t("loading"), 5, kid="loading"))

    def build_home(self) -> Widget:
        vm = self.vm
        grid = GridLayout(cols=2, spacing=self.u * 2)
        for key, kid, tap, color in (
            ("home_take_number", "take_number", vm.open_take_number, BLUE),
            ("home_check_in", "check_in", vm.open_checkin, GREEN),
            ("home_priority", "priority", vm.open_priority, (0.55, 0.1, 0.35, 1)),
            ("home_progress", "progress", vm.open_progress, GREY),
        ):
            text = f"{self.t(key)}\n[size={int(self.u * 2.8)}]{self.t(key + '_hint')}[/size]"
            grid.add_widget(self.button(text, kid, tap, color=color, size=7, markup=True))
        parts = [self.title(self.t("home_title"))]
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
                    self.t("home_waiting", count=vm.waiting), 3.4, kid="waiting", size_hint_y=None, height=self.u * 6
                )
            )
        return self.column(*parts)

    def build_groups(self) -> Widget:
        vm = self.vm
        grid = GridLayout(cols=2, spacing=self.u * 1.5)
        general = self.button(
            f"{self.t('general_matter')}\n[size={int(self.u * 2.6)}]{self.t('general_matter_hint')}[/size]",
            "general",
            lambda: vm.take_number(None),
            color=GREEN,
            size=4.6,
            markup=True,
            size_hint_y=None,
            height=self.u * 14,
        )
        for domain, department in vm.groups():
            grid.add_widget(self.button(department, f"group-{domain}", lambda d=domain: vm.choose_group(d)))
        return self.column(self.title(self.t("groups_title")), general, grid, self.back_row())

    def build_matters(self) -> Widget:
        vm = self.vm
        grid = GridLayout(cols=2, spacing=self.u * 1.5)
        for m in vm.group_matters():
            grid.add_widget(self.button(m["name"], f"matter-{m['id']}", lambda i=m["id"]: vm.take_number(i), size=3.6))
        return self.column(self.title(self.t("matters_title")), grid, self.back_row())

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
            shown, 6, kid="entry", color=INK, background=(0.93, 0.93, 0.93, 1), size_hint_y=None, height=self.u * 10
        )
        error = self.text(vm.keypad_error, 3.2, kid="keypad_error", color=RED, size_hint_y=None, height=self.u * 7)
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
            self.text(prompt, 3.4, size_hint_y=None, height=self.u * 6),
            entry,
            error,
            pad,
            row,
            spacing=1.2,
        )

    def build_progress(self) -> Widget:
        """The case-number keypad: digits and the dash, no physical keyboard."""
        vm = self.vm
        entry = self.text(
            vm.case_pad.value or " ",
            7,
            kid="case_entry",
            color=INK,
            background=(0.93, 0.93, 0.93, 1),
            size_hint_y=None,
            height=self.u * 11,
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
            self.text(self.t("progress_prompt"), 3.4, size_hint_y=None, height=self.u * 6),
            entry,
            note,
            pad,
            row,
            spacing=1.2,
        )

    def build_progress_result(self) -> Widget:
        """Large type: matter, stage in plain words, dates, where the result goes; history on the right."""
        p = self.vm.progress
        tone = {"ready": GREEN, "action": AMBER, "waiting": BLUE}.get(p.tone, GREY)
        # Heights add up to what a 4:3 or 5:4 screen has below the title (about 65 % of its height).
        left = BoxLayout(orientation="vertical", spacing=self.u, size_hint_x=0.62)
        left.add_widget(self.text(p.matter, 4.8, kid="matter", bold=True, size_hint_y=None, height=self.u * 7))
        left.add_widget(
            self.text(
                p.stage,
                7,
                kid="stage",
                bold=True,
                color=INK if tone is AMBER else PAPER,
                background=tone,
                size_hint_y=None,
                height=self.u * 10,
            )
        )
        if p.stage_hint:
            left.add_widget(self.text(p.stage_hint, 3.4, kid="stage_hint", size_hint_y=None, height=self.u * 8))
        facts = BoxLayout(orientation="vertical", spacing=self.u * 0.6)
        for i, (caption, value) in enumerate(p.facts):
            facts.add_widget(self.text(f"{caption}：{value}", 3.4, kid=f"fact-{i}", halign="left"))
        left.add_widget(facts)
        right = BoxLayout(orientation="vertical", spacing=self.u * 0.8, size_hint_x=0.38, padding=self.u * 1.5)
        right.add_widget(
            self.text(
                self.t("progress_steps_title"), 4, bold=True, kid="steps_title", size_hint_y=None, height=self.u * 6
            )
        )
        steps = p.steps[-9:]  # the newest steps fit; a long history keeps its latest part
        for i, (day, label) in enumerate(steps):
            right.add_widget(
                self.text(f"{day}\n{label}", 3, kid=f"step-{i}", halign="left", size_hint_y=None, height=self.u * 7.5)
            )
        if not steps:
            right.add_widget(self.text(self.t("progress_no_steps"), 3, size_hint_y=None, height=self.u * 6))
        right.add_widget(Widget())
        with right.canvas.before:  # a pale panel sets the history apart from the answer
            Color(0.93, 0.95, 0.98, 1)
            panel = Rectangle(pos=right.pos, size=right.size)
        right.bind(pos=lambda *_: setattr(panel, "pos", right.pos), size=lambda *_: setattr(panel, "size", right.size))
        body = BoxLayout(spacing=self.u * 2)
        body.add_widget(left)
        body.add_widget(right)
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("progress_again"), "progress_again", self.vm.open_progress, color=BLUE))
        row.add_widget(self.button(self.t("home"), "home", self.vm.home, color=GREY))
        return self.column(
            self.title(self.t("progress_case_no", case_no=p.case_no), kid="case_no"), body, row, spacing=1.2
        )

    def build_working(self) -> Widget:
        return self.column(self.text(self.t("working"), 5, kid="working"))

    def build_ticket(self) -> Widget:
        vm, ticket = self.vm, self.vm.ticket or {}
        parts = [
            self.title(self.t("ticket_title")),
            self.text(
                ticket.get("matter_name") or self.t("matters_general_name"),
                4.2,
                kid="matter",
                size_hint_y=None,
                height=self.u * 8,
            ),
            self.text(self.t("ticket_number_caption"), 3.4, size_hint_y=None, height=self.u * 5),
            self.text(
                ticket.get("number", ""), 17, kid="number", bold=True, color=BLUE, size_hint_y=None, height=self.u * 18
            ),
            self.text(
                self.t("ticket_waiting_ahead", count=ticket.get("waiting_ahead", 0)),
                4.2,
                kid="waiting_ahead",
                size_hint_y=None,
                height=self.u * 7,
            ),
        ]
        if ticket.get("estimated_wait_minutes") is not None:
            wait = self.t("ticket_estimated_wait", minutes=ticket["estimated_wait_minutes"])
            if ticket.get("after_break") and ticket.get("expected_start_at"):
                wait = self.t("ticket_after_break", time=vm._when(ticket["expected_start_at"]).split(" ")[-1])
            parts.append(
                self.text(
                    wait,
                    3.6,
                    size_hint_y=None,
                    height=self.u * 6,
                )
            )
        if vm.print_state is PrintState.PRINTING:
            note, color, bg = self.t("ticket_printing"), INK, None
        elif vm.print_state is PrintState.PRINTED:
            note, color, bg = vm.print_message, GREEN, None
        elif vm.print_state is PrintState.NO_PRINTER:
            note, color, bg = self.t("ticket_remember", number=ticket.get("number", "")), INK, None
        else:
            note, color, bg = vm.print_message, INK, AMBER
        parts.append(
            self.text(note, 3.4, kid="print_note", color=color, background=bg, size_hint_y=None, height=self.u * 13)
        )
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
        return self._notice_screen()

    def build_uncertain(self) -> Widget:
        return self._notice_screen()

    def build_closed(self) -> Widget:
        row = BoxLayout(size_hint_y=None, height=self.u * 11)
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
        return self.column(*parts)

    def build_admin(self) -> Widget:
        return self.column(
            self.title(self.t("admin_title")),
            self.text(self.vm.admin_error or "", 3.6, kid="admin_text", color=PAPER, background=RED),
        )
