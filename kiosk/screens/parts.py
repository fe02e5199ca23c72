"""The pieces every screen is made of: big type, big buttons, the row with 返回, a digit pad."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from hall_common.i18n import message

from ..viewmodels.context import Screen
from ..viewmodels.kiosk_model import KioskModel
from ..viewmodels.matter_finder import layouts
from ..viewmodels.printing import PrintState
from ..widgets import AMBER, BLUE, FIELD, GREEN, GREY, INK, KioskButton, TextLabel


class Parts:
    """A flow's screens subclass this; each names the screens it builds (``build_<screen>``)."""

    screens: tuple[Screen, ...] = ()

    def __init__(self, vm: KioskModel, unit: float, portrait: bool = False, wide: bool = False) -> None:
        # unit: 1 % of the window's shorter side (kiosk/app.py type_unit), so type is the same
        # size on a portrait 1080×1920 kiosk and a landscape 1920×1080 one.
        self.vm, self.u, self.portrait, self.wide = vm, unit, portrait, wide
        self.t = lambda key, **kw: message(f"kiosk.{key}", vm.ctx.locale, **kw)

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

    def typed(self, text: str, kid: str) -> TextLabel:
        """What the resident has typed so far, in large type on a pale box (kept when empty)."""
        return self.text(
            text or " ",
            6,
            kid=kid,
            color=INK,
            background=FIELD,
            wrap=False,
            size_hint_y=None,
            height=self.u * 10,
        )

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

    def digit_pad(self, prefix: str, press, left_key: str, right_key: str, size: float = 5.5) -> GridLayout:
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

    def print_note(self, no_printer: str) -> tuple[str, tuple, tuple | None]:
        """How the slip came out: the note's text, its colour and its background (amber when the
        resident must act: note the number, ask staff)."""
        printing = self.vm.printing
        if printing.state is PrintState.PRINTING:
            return self.t("ticket_printing"), INK, None
        if printing.state is PrintState.PRINTED:
            return printing.message, GREEN, None
        if printing.state is PrintState.NO_PRINTER:
            return no_printer, INK, None
        return printing.message, INK, AMBER
