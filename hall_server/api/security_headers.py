"""Headers on every response of the hall's one Flask app (API, pages, static files).

- CSP: scripts only from the hall server itself (no inline script: the pages keep their code in
  static files, so stored text can never run as script); styles may be inline because ECharts
  and the pages set element styles; no framing by anyone (frame-ancestors 'none'), except the
  window's case panel, which the window terminal shows beside its queue (same origin only).
- nosniff, and Referrer-Policy no-referrer so no address (with a code or token in it) leaks.
- ``Cache-Control: no-store`` on everything but static files: API answers carry personal data
  (cases, ratings' phone numbers) and pages are opened with tokens; nothing of it may stay in a
  shared hall PC's browser cache.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
}
# Pages the hall's own pages may frame: the case panel opens inside the window terminal.
SAME_ORIGIN_FRAMES = frozenset({"case_pages.panel"})


def install(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        # Headers.setdefault raises and catches a KeyError per missing name inside Werkzeug: a
        # tenth of the API's own per-request time. One pass over the names present does the same.
        present = {name.lower() for name in response.headers.keys()}
        for name, value in HEADERS.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        endpoint = request.endpoint or ""
        if endpoint in SAME_ORIGIN_FRAMES:
            response.headers["Content-Security-Policy"] = CSP.replace(
                "frame-ancestors 'none'", "frame-ancestors 'self'"
            )
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        if not (endpoint == "static" or endpoint.endswith(".static")):
            response.headers["Cache-Control"] = "no-store"
        return response
