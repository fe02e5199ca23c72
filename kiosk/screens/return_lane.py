"""The return lane: the case number and the phone's last 4 digits."""

from __future__ import annotations

from kivy.uix.widget import Widget

from ..viewmodels.context import Screen
from ..widgets import GREEN, RED
from .case_number import CaseNumberScreens


class ReturnScreens(CaseNumberScreens):
    screens = (Screen.RETURN,)

    def build_return(self) -> Widget:
        lane = self.vm.return_lane
        entry = self.case_entry(
            lane.pad,
            ("return_case", "return_tail"),
            lane.select,
            "return_tail_placeholder",
            ("field_case_no", "return_field_tail"),
        )
        return self.case_keypad_screen(
            "return_title",
            self.text(self.t("return_prompt"), 3.4, kid="return_prompt", size_hint_y=None, height=self.u * 8),
            entry,
            self.text(lane.note, 3.4, kid="return_note", color=RED, size_hint_y=None, height=self.u * 9),
            "return-key",
            lane.press,
            self.button(self.t("return_submit"), "return_submit", lane.submit, color=GREEN),
        )
