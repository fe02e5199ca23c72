"""Flask adapter: ``create_app(server)`` exposes a HallServer over HTTP (/api/v1)."""

from __future__ import annotations

from flask import Flask, g

from ..app_services import HallServer
from . import (  # noqa: F401  (register /auth, /pads, /ratings and /events)
    routes_cases,
    routes_catalog,
    routes_ratings,
    routes_staff,
    sse,
)
from .errors import register_error_handlers
from .routes import bp, spec


def create_app(server: HallServer) -> Flask:
    app = Flask("hall_server")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["hall_server"] = server
    app.register_blueprint(bp, url_prefix="/api/v1")
    # The same API scoped to one hall: /api/v1/halls/<code>/tickets ...
    app.register_blueprint(bp, url_prefix="/api/v1/halls/<hall>", name="api_v1_hall")
    register_error_handlers(app)

    @app.after_request
    def server_time(response):
        # Kiosks and boards show the server's time, not their own clocks.
        response.headers["X-Server-Time"] = server.clock.now().isoformat()
        if "principal" in g:
            response.headers["Vary"] = "Authorization"
        return response

    return app


__all__ = ["create_app", "spec"]
