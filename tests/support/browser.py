"""Headless Debian Chromium driven by Playwright (no browser download: /usr/bin/chromium)."""

from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("YICHUANG_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_path() -> str | None:
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
