"""What every web page of the hall shares: the page toolkit script and vendored libraries.

Served by one blueprint under ``/static/toolkit/`` so the board, terminal, supervisor, pad,
case and admin pages load the same files. Halls run on intranets, so third-party libraries
(Apache ECharts) are vendored under ``static/vendor/`` and never fetched from a CDN.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

STATIC_URL_PATH = "/static/toolkit"


def static_folder() -> Path:
    return Path(str(resources.files("page_toolkit") / "static"))


def echarts_path() -> Path:
    """The vendored ``echarts.min.js``; also inlined into stand-alone HTML reports."""
    return static_folder() / "vendor" / "echarts" / "echarts.min.js"
