"""The Kivy kiosk app: a header, a banner for trouble, and the current screen.

Import only after kivy_setup.prepare_environment()/apply_kiosk_config().
"""

from __future__ import annotations

import logging
import signal
import threading

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout

from hardware.printer import printer_from_spec

from .config import KioskConfig
from .screens import build_screen
from .viewmodels.event_stream import EventStream
from .viewmodels.hall_client import HallClient
from .viewmodels.kiosk_model import KioskModel
from .viewmodels.scanner import ScanBuffer
from .viewmodels.slip_printing import SlipPrinter
from .widgets import BLUE, PAPER, RED, TextLabel

log = logging.getLogger(__name__)


ENTER_KEYS = (13, 271)  # Return and keypad Enter, as SDL reports them


def type_unit() -> float:
    """1 % of the screen's SHORTER side: type sized from the height made a portrait 1080×1920
    screen's text 1.8 times too large (the clock wrapped, labels broke mid-word)."""
    return min(Window.width, Window.height) / 100


def on_ui_thread(fn) -> None:
    """Run ``fn`` on Kivy's main thread at the next frame (Clock.schedule_once is thread-safe)."""
    Clock.schedule_once(lambda _dt: fn(), 0)


class KioskApp(App):
    title = "yichuang kiosk"

    def __init__(self, config: KioskConfig, **kw) -> None:
        super().__init__(**kw)
        self.kiosk_config = config
        self.client = HallClient(
            config.server_url,
            config.token,
            locale=config.locale,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
        )
        printer = SlipPrinter(printer_from_spec(config.printer), config.qr_base_url, config.locale)
        self.vm = KioskModel(
            self.client,
            printer,
            kiosk_id=config.kiosk_id,
            locale=config.locale,
            idle_seconds=config.idle_seconds,
            appointment_hint=config.appointment_hint,
            post=on_ui_thread,
        )
        self.stream = EventStream(
            config.server_url,
            config.token,
            lambda kind, data: on_ui_thread(lambda: self.vm.hall.stream_event(kind, data)),
            lambda state: on_ui_thread(lambda: self.vm.hall.stream_state(state)),
        )
        self._render_pending = False
        self.content = None
        self.scan = ScanBuffer()

    # --- layout ---------------------------------------------------------------------------
    def build(self):
        Window.clearcolor = PAPER
        Window.bind(on_request_close=lambda *a, **k: True)  # no closing from the keyboard/WM
        Window.bind(on_touch_down=lambda *a: self.vm.ctx.touch())  # any touch resets the idle timer
        # The QR scanner is a keyboard-wedge reader: it types what the code holds, then Enter.
        Window.bind(on_textinput=lambda _w, text: self.scan.feed(text), on_key_down=self._key_down)
        u = type_unit()
        root = BoxLayout(orientation="vertical")
        with root.canvas.before:  # an opaque page, so screenshots show what the glass shows
            Color(*PAPER)
            page = Rectangle(pos=root.pos, size=root.size)
        root.bind(pos=lambda *_: setattr(page, "pos", root.pos), size=lambda *_: setattr(page, "size", root.size))
        header = BoxLayout(size_hint_y=None, height=u * 8)
        self.center_label = TextLabel(
            "", font_size=u * 4, color=PAPER, background=BLUE, bold=True, halign="left", kid="center_name", wrap=False
        )
        self.clock_label = TextLabel(
            "", font_size=u * 4, color=PAPER, background=BLUE, size_hint_x=0.4, kid="clock", wrap=False
        )
        header.add_widget(self.center_label)
        header.add_widget(self.clock_label)
        self.banner = TextLabel(
            "", font_size=u * 3.2, color=PAPER, background=RED, size_hint_y=None, height=0, kid="banner"
        )
        self.body = BoxLayout()
        for w in (header, self.banner, self.body):
            root.add_widget(w)
        self.root_widget = root
        self.vm.ctx.subscribe(self._schedule_render)
        self.render()
        return root

    def _key_down(self, _window, key, _scancode, _codepoint, _modifiers) -> bool:
        if key in ENTER_KEYS:
            self.vm.scanned(self.scan.take())
            return True
        return False

    def _schedule_render(self) -> None:
        # Several model changes in one frame become one rebuild.
        if not self._render_pending:
            self._render_pending = True
            Clock.schedule_once(lambda _dt: self.render(), 0)

    def render(self) -> None:
        self._render_pending = False
        u = type_unit()
        self.center_label.set_text((self.vm.hall.info or {}).get("name", ""))
        self.clock_label.set_text(self.vm.hall.clock_text() if self.vm.hall.info else "")
        banners = self.vm.banners()
        self.banner.height = u * 6 * len(banners)
        self.banner.set_text("\n".join(banners))
        self.body.clear_widgets()
        portrait, wide = Window.height > Window.width, Window.width >= 1.5 * Window.height
        self.content = build_screen(self.vm, u, portrait=portrait, wide=wide)
        self.body.add_widget(self.content)

    # --- lifecycle ---------------------------------------------------------------------------
    def on_start(self) -> None:
        # SDL turns SIGTERM into a window-close request, which the kiosk refuses (on_request_close):
        # `systemctl stop` or `kill` then waited for SIGKILL. A signal ends the app cleanly instead.
        signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: self.stop(), 0))
        self.vm.start()
        self.stream.start()
        Clock.schedule_interval(lambda _dt: self.vm.tick(), 0.5)
        Clock.schedule_interval(
            lambda _dt: self.clock_label.set_text(self.vm.hall.clock_text()) if self.vm.hall.info else None, 1.0
        )
        Clock.schedule_interval(lambda _dt: self.vm.poll_printer(), self.kiosk_config.status_poll_seconds)

    def on_stop(self) -> None:
        threading.Thread(target=self.stream.stop, daemon=True).start()
        self.vm.shutdown()
