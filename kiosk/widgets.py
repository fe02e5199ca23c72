"""Big, high-contrast widgets for residents who may see and hear poorly.

Every text widget fits its text into its own box (``Fitting``): it starts at the size the
screen asked for and shrinks until the text fits, never below ``min_font_size``. Short labels
(buttons, titles, the clock) never wrap by themselves — Kivy would break Chinese anywhere, as
in "预约签/到" — so they only break where the text has a newline; sentences (notices, hints)
wrap inside the box's width and shrink until their height fits too.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.label import Label

from hall_common.line_breaking import break_lines

INK = (0.08, 0.08, 0.08, 1)
PAPER = (1, 1, 1, 1)
BLUE = (0.0, 0.27, 0.62, 1)  # white on this blue: contrast ratio > 8:1
GREEN = (0.0, 0.42, 0.2, 1)
GREY = (0.3, 0.3, 0.3, 1)
RED = (0.7, 0.0, 0.0, 1)
AMBER = (1.0, 0.85, 0.3, 1)
TEAL = (0.0, 0.4, 0.45, 1)  # 预约办理: white on it > 7:1
FIELD = (0.93, 0.93, 0.93, 1)  # the box what the resident typed is shown in

INSET = 0.92  # the text may use this share of the box's width and height (a margin to the edge)
MIN_SHARE = 0.45  # never shrink below this share of the asked size (the elderly must still read it)


class Fitting:
    """Mixin for Label/Button: fit the text into the widget (see module doc).

    ``variants``: the same text broken differently, preferred first (one line, then two at a good
    place); ``compose(font_size)``: such variants built for a font size (markup with a smaller hint)."""

    kid = StringProperty("")
    wrap = BooleanProperty(False)
    target_font_size = NumericProperty(32)
    min_font_size = NumericProperty(12)

    def _init_fitting(
        self,
        font_size: float,
        wrap: bool,
        compose: Callable[[float], list[str]] | None,
        variants: list[str] | None = None,
    ) -> None:
        self.target_font_size = font_size
        self.min_font_size = max(12.0, font_size * MIN_SHARE)
        self.wrap = wrap
        self._source = self.text  # the text as given; what is shown may have line breaks added
        self._compose = compose
        self._variants = variants  # the same text broken differently, preferred first (e.g. 1 line, 2 lines)
        self.bind(size=self._fit, target_font_size=self._fit)

    def texts(self, font_size: float) -> list[str]:
        if self._compose:
            return self._compose(font_size)
        return self._variants or [self._source]

    def set_text(self, text: str) -> None:
        """New text, fitted again (the clock and the banner change while on screen)."""
        self._compose, self._variants = None, None
        self._source = self.text = text
        self._fit()

    def _break(self, text: str, size: float) -> str:
        """Sentences break where Chinese may break (hall_common/line_breaking.py), measured in the
        label's own font: never a lone "。" or a number torn from its line by a space."""
        probe = CoreLabel(font_size=size, font_name=self.font_name, bold=self.bold)
        return "\n".join(break_lines(text, self.width * INSET, lambda s: probe.get_extents(s)[0]))

    def _measure(self, text: str, size: float) -> tuple[float, float]:
        self.font_size = size
        self.text = self._break(text, size) if self.wrap and not self.markup else text
        # Measured without wrapping for short labels: the widest line must fit as it is.
        self.text_size = (self.width * INSET, None) if self.wrap else (None, None)
        self.texture_update()
        return self.texture_size

    def _fit(self, *_args) -> None:
        width, height = self.width * INSET, self.height * INSET
        if width <= 1 or height <= 1:
            return
        size = float(self.target_font_size)
        for _ in range(12):
            fitted = False
            for text in self.texts(size):
                tw, th = self._measure(text, size)
                if tw <= width and th <= height:
                    fitted = True
                    break
            if fitted or size <= self.min_font_size:
                break
            scale = min(width / tw if tw > width else 1.0, height / th if th > height else 1.0)
            if self.wrap:
                scale = scale**0.5  # narrower text wraps into more lines: shrink in smaller steps
            size = max(self.min_font_size, min(size * scale, size - 1))
        # Aligned within the whole width; the text already fits, so nothing wraps anew here.
        self.text_size = (width, None)
        self.texture_update()


class KioskButton(Fitting, Button):
    """A button tests and logs can find by ``kid`` (e.g. "take_number", "matter-7")."""

    def __init__(
        self,
        text: str,
        kid: str,
        on_tap,
        *,
        color=BLUE,
        font_size: float = 40,
        wrap: bool = False,
        compose: Callable[[float], list[str]] | None = None,
        variants: list[str] | None = None,
        **kw,
    ) -> None:
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
        self._init_fitting(font_size, wrap, compose, variants)
        self.bind(on_press=lambda *_: on_tap())


class TextLabel(Fitting, Label):
    """Text on a coloured background (or none); sentences wrap, short labels stay on their lines."""

    def __init__(
        self,
        text: str,
        *,
        font_size: float = 32,
        color=INK,
        background=None,
        kid: str = "",
        halign: str = "center",
        wrap: bool = True,
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
        self._init_fitting(font_size, wrap, None)
