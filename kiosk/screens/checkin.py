"""Appointment check-in: the code or ID-number keypad."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from ..viewmodels.context import Screen
from ..viewmodels.keypad import CODE, ID_NUMBER
from ..widgets import BLUE, GREEN, GREY, RED
from .parts import Parts


class CheckInScreens(Parts):
    screens = (Screen.CHECKIN,)

    def build_checkin(self) -> Widget:
        vm, kp = self.vm, self.vm.checkin.keypad
        modes = BoxLayout(size_hint_y=None, height=self.u * 9, spacing=self.u * 2)
        for mode, key in ((CODE, "checkin_mode_code"), (ID_NUMBER, "checkin_mode_id")):
            modes.add_widget(
                self.button(
                    self.t(key),
                    f"mode-{mode}",
                    lambda m=mode: vm.checkin.mode(m),
                    color=BLUE if kp.mode == mode else GREY,
                    size=3.6,
                )
            )
        prompt = self.t("checkin_prompt_code" if kp.mode == CODE else "checkin_prompt_id")
        entry = self.typed(kp.display, "entry")
        error = self.text(vm.checkin.error, 3.8, kid="keypad_error", color=RED, size_hint_y=None, height=self.u * 12)
        pad = GridLayout(cols=3, spacing=self.u * 1.2)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X" if kp.mode == ID_NUMBER else "clear", "0", "del"]
        labels = {"clear": self.t("checkin_clear"), "del": self.t("checkin_delete")}
        for key in keys:
            pad.add_widget(
                self.button(
                    labels.get(key, key),
                    f"key-{key}",
                    lambda k=key: vm.checkin.press(k),
                    color=GREY if key in labels else BLUE,
                    size=5,
                )
            )
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY))
        row.add_widget(self.button(self.t("checkin_submit"), "submit", vm.checkin.submit, color=GREEN))
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
