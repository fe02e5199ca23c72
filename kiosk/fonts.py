"""The kiosk's Chinese font: found once at start, or the kiosk refuses to start.

Kivy loads the first face of a .ttc; the Noto CJK collections put the Japanese
face first, so only single-face Simplified Chinese files are accepted from Noto.
"""

from __future__ import annotations

import os
from pathlib import Path

from PIL import ImageFont

from hall_common.i18n import message

SEARCH_ENV = "YICHUANG_KIOSK_FONT_DIRS"  # os.pathsep-separated folders searched instead of the defaults
DEFAULT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
# File names, best first: first face is Chinese in every one of them.
PREFERRED = (
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "NotoSansSC-Regular.otf",
    "NotoSansCJKsc-Regular.otf",
    "SourceHanSansSC-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "NotoSansSC[wght].ttf",
)
PROBE = "取号预约签到"


class KioskFontMissing(RuntimeError):
    def __init__(self, key: str, locale: str = "zh_CN", **params) -> None:
        self.key, self.params = key, params
        super().__init__(message(f"kiosk.{key}", locale, **params))


def has_chinese(path: str) -> bool:
    """True when the font's first face draws real glyphs for ``PROBE`` (not its .notdef box)."""
    try:
        font = ImageFont.truetype(path, 32, index=0)
    except OSError:
        return False
    notdef = font.getmask("\U0010fffd")
    return all(not (m.size == notdef.size and bytes(m) == bytes(notdef)) for m in (font.getmask(ch) for ch in PROBE))


def search_dirs() -> list[Path]:
    env = os.environ.get(SEARCH_ENV)
    dirs = env.split(os.pathsep) if env is not None else list(DEFAULT_DIRS)
    return [Path(d).expanduser() for d in dirs if d]


def find_kiosk_font(configured: str = "") -> str:
    """Path of a font with Chinese glyphs; raises KioskFontMissing with a Chinese explanation."""
    if configured:
        if not os.path.isfile(configured) or not has_chinese(configured):
            raise KioskFontMissing("font_not_cjk", path=configured)
        return configured
    dirs = search_dirs()
    found: dict[str, Path] = {}
    for folder in dirs:
        if folder.is_dir():
            for path in folder.rglob("*"):
                found.setdefault(path.name, path)
    for name in PREFERRED:
        if name in found and has_chinese(str(found[name])):
            return str(found[name])
    raise KioskFontMissing("font_missing", searched=", ".join(str(d) for d in dirs) or "—")
