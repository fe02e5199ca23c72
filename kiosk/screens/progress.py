"""Case progress: the case-number keypad and the answer."""

from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from ..viewmodels.context import Screen
from ..widgets import AMBER, BLUE, GREEN, GREY, INK, PAPER, RED
from .case_number import CaseNumberScreens


class ProgressScreens(CaseNumberScreens):
    screens = (Screen.PROGRESS, Screen.PROGRESS_RESULT)

    def build_progress(self) -> Widget:
        """The case-number keypad: digits and the dash, no physical keyboard."""
        progress = self.vm.progress
        # Two boxes on one row: the case number and the query code; the box the digits go to is blue,
        # touching the other one moves the digits there.
        entry = self.case_entry(
            progress.pad, ("case_entry", "code_entry"), progress.select, "progress_code_placeholder"
        )
        failed = progress.note and not progress.querying
        note = self.text(
            progress.note,
            3.4,
            kid="progress_note",
            color=RED if failed else INK,
            size_hint_y=None,
            height=self.u * 9,
        )
        return self.case_keypad_screen(
            "progress_title",
            self.text(self.t("progress_prompt_short"), 3.8, kid="progress_prompt", size_hint_y=None, height=self.u * 6),
            entry,
            note,
            "case-key",
            progress.press,
            self.button(
                self.t("progress_submit"),
                "progress_submit",
                progress.look_up,
                color=GREY if progress.querying else GREEN,
            ),
        )

    def build_progress_result(self) -> Widget:
        """Large type: matter, stage in plain words, dates, where the result goes; history beside it
        (below it on a portrait screen). Rows share the height they get instead of fixed heights,
        which overlapped the title at 1280×1024."""
        p = self.vm.progress.result
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
            self.button(self.t("progress_again"), "progress_again", self.vm.progress.open, color=BLUE, size=4.6)
        )
        row.add_widget(self.button(self.t("home"), "home", self.vm.home, color=GREY, size=4.6))
        return self.column(
            self.title(self.t("progress_case_no", case_no=p.case_no), kid="case_no"), body, row, spacing=1.2
        )
