"""What the two case-number screens share (case progress, the return lane): the number and its
second code in two boxes, over a digit pad with the dash, and 返回 · 清空 · the screen's own submit."""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from ..viewmodels.case_number_pad import CaseNumberPad
from ..widgets import BLUE, GREY, KioskButton, TextLabel
from .parts import Parts


class CaseNumberScreens(Parts):
    def case_entry(
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

    def case_keypad_screen(
        self,
        title_key: str,
        prompt: TextLabel,
        entry: Widget,
        note: TextLabel,
        prefix: str,
        press: Callable[[str], None],
        submit: KioskButton,
    ) -> Widget:
        keys = self.digit_pad(prefix, press, "-", "del")
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", self.vm.back, color=GREY))
        row.add_widget(self.button(self.t("checkin_clear"), f"{prefix}-clear", lambda: press("clear"), color=GREY))
        row.add_widget(submit)
        return self.column(self.title(self.t(title_key)), prompt, entry, note, keys, row, spacing=1.2)
