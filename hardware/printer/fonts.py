"""Finding CJK fonts for raster printing and previews.

The primary face (WenQuanYi Micro Hei from Debian ``fonts-wqy-microhei`` on
our kiosks) covers GBK but not CJK Ext-A/B name characters such as 䶮 or 𠮷.
Every other CJK face found on the machine is kept as a fallback and chosen per
character, so installing e.g. ``fonts-hanazono`` is enough to print rare names.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from hall_common.i18n import message

FONT_ENV = "YICHUANG_CJK_FONT"  # path[:index] of a font file to use first
FONT_PACKAGE = "fonts-wqy-microhei"

# (path, face index). Noto CJK .ttc files put the Japanese face first; index 2 is SC.
KNOWN_FACES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", 0),
    ("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf", 0),
)
SEARCH_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
# Lower-case file-name fragments of CJK fonts worth picking up from a search.
NAME_HINTS = (
    "wqy",
    "notosanscjk",
    "notoserifcjk",
    "notosanssc",
    "sourcehan",
    "hanamin",
    "droidsansfallback",
    "uming",
    "ukai",
    "simhei",
    "simsun",
    "msyh",
    "unifont",
)


class CjkFontNotFound(RuntimeError):
    """No CJK font: raster printing and previews cannot draw Chinese."""

    def __init__(self, locale: str = "zh_CN") -> None:
        super().__init__(message("printer.font_missing", locale, package=FONT_PACKAGE, env=FONT_ENV))


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int = 0


def _parse_env(value: str) -> FontFace:
    path, sep, index = value.rpartition(":")
    if sep and index.isdigit():
        return FontFace(path, int(index))
    return FontFace(value, 0)


def discover_faces() -> list[FontFace]:
    """CJK faces on this machine, best first (env override, known faces, then a search)."""
    faces: list[FontFace] = []
    env = os.environ.get(FONT_ENV)
    if env:
        faces.append(_parse_env(env))
    faces += [FontFace(p, i) for p, i in KNOWN_FACES if os.path.isfile(p)]
    seen = {f.path for f in faces}
    for folder in SEARCH_DIRS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            name = path.name.lower()
            if path.suffix.lower() in (".ttf", ".ttc", ".otf") and any(h in name for h in NAME_HINTS):
                if str(path) not in seen:
                    seen.add(str(path))
                    faces.append(FontFace(str(path), 0))
    return faces


class FontSet:
    """An ordered chain of faces; each character is drawn with the first face that has it."""

    def __init__(self, faces: list[FontFace]) -> None:
        if not faces:
            raise CjkFontNotFound()
        self.faces = list(faces)
        # Per-chain caches (a cache on the method would keep every chain alive for good).
        self.font = functools.lru_cache(maxsize=64)(self._load_font)
        self._has_glyph = functools.lru_cache(maxsize=8192)(self._glyph_present)

    def _load_font(self, face_no: int, size: int) -> ImageFont.FreeTypeFont:
        face = self.faces[face_no]
        return ImageFont.truetype(face.path, size, index=face.index)

    def _glyph_present(self, face_no: int, ch: str) -> bool:
        # Pillow exposes no cmap; a missing glyph renders as the face's .notdef
        # box, so compare against a code point no font maps (U+10FFFD).
        font = self.font(face_no, 24)
        mask = font.getmask(ch)
        notdef = font.getmask("\U0010fffd")
        return not (mask.size == notdef.size and bytes(mask) == bytes(notdef))

    def face_for(self, ch: str) -> int | None:
        """Index of the first face that has ``ch``; None when no face does."""
        if ch.isspace():
            return 0
        for face_no in range(len(self.faces)):
            if self._has_glyph(face_no, ch):
                return face_no
        return None

    def missing(self, text: str) -> set[str]:
        return {ch for ch in text if self.face_for(ch) is None}


@functools.lru_cache(maxsize=1)
def default_fonts() -> FontSet:
    """The machine's CJK fonts; raises CjkFontNotFound naming the Debian package."""
    return FontSet(discover_faces())
