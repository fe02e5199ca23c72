"""Kivy's process-wide settings for a kiosk; must run before anything imports kivy.core.window."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .config import KioskConfig


def prepare_environment() -> None:
    # Kivy reads sys.argv and writes ~/.kivy unless told otherwise.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    if "KIVY_HOME" not in os.environ:
        home = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "yichuang" / "kivy"
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError:
            home = Path(tempfile.mkdtemp(prefix="yichuang-kivy-"))
        os.environ["KIVY_HOME"] = str(home)


def apply_kiosk_config(config: KioskConfig, font_path: str) -> None:
    """Fullscreen, no cursor, no screensaver, ESC does not quit; the CJK font becomes the default."""
    from kivy.config import Config

    if config.fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(config.width))
        Config.set("graphics", "height", str(config.height))
    Config.set("graphics", "show_cursor", "0")
    Config.set("graphics", "allow_screensaver", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    # One input provider only: with several (mouse + probesysfs) a touchscreen's taps arrive twice.
    Config.set("input", "mouse", "mouse,disable_multitouch")
    for name, _ in list(Config.items("input")):
        if name != "mouse":
            Config.remove_option("input", name)
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, font_path)
