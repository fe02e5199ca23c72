"""Big, high-contrast widgets for residents who may see and hear poorly."""

from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.properties import StringProperty
from kivy.uix.button import Button
from kivy.uix.label import Label

INK = (0.08, 0.08, 0.08, 1)
PAPER = (1, 1, 1, 1)
BLUE = (0.0, 0.27, 0.62, 1)  # white on this blue: contrast ratio > 8:1
GREEN = (0.0, 0.42, 0.2, 1)
GREY = (0.3, 0.3, 0.3, 1)
RED = (0.7, 0.0, 0.0, 1)
AMBER = (1.0, 0.85, 0.3, 1)


class KioskButton(Button):
    """A button tests and logs can find by ``kid`` (e.g. "take_number", "matter-7")."""

    kid = StringProperty("")

    def __init__(self, text: str, kid: str, on_tap, *, color=BLUE, font_size: float = 40, **kw) -> None:
        super().__init__(
            text=text,
            font_size=font_size,
            background_normal="",
            background_down="",
            background_color=color,
            color=PAPER,
            halign="center",
            valign="middle",
            bold=True,
            **kw,
        )
        self.kid = kid
        self.bind(size=self._wrap)
        self.bind(on_press=lambda *_: on_tap())

    def _wrap(self, *_):
        self.text_size = (self.width * 0.92, None)


class TextLabel(Label):
    """Wrapped text on a coloured background (or none)."""

    kid = StringProperty("")

    def __init__(
        self,
        text: str,
        *,
        font_size: float = 32,
        color=INK,
        background=None,
        kid: str = "",
        halign: str = "center",
        **kw,
    ) -> None:
        super().__init__(text=text, font_size=font_size, color=color, halign=halign, valign="middle", **kw)
        self.kid = kid
        if background is not None:
            with self.canvas.before:
                Color(*background)
                self._bg = Rectangle(pos=self.pos, size=self.size)
            self.bind(
                pos=lambda *_: setattr(self._bg, "pos", self.pos), size=lambda *_: setattr(self._bg, "size", self.size)
            )
        self.bind(size=lambda *_: setattr(self, "text_size", (self.width * 0.95, None)))
