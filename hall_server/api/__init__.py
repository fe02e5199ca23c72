"""Flask adapter: ``create_app(server)`` exposes a HallServer over HTTP (/api/v1)."""

from __future__ import annotations

from flask import Flask, g
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from ..app_services import HallServer
from . import (  # noqa: F401  (each module registers its routes on the blueprint)
    routes_announcements,
    routes_appointments,
    routes_calendar,
    routes_cases,
    routes_catalog,
    routes_devices,
    routes_enrolment,
    routes_hall,
    routes_home_visits,
    routes_projection,
    routes_ratings,
    routes_staff,
    routes_stats,
    routes_tickets,
    routes_windows,
    security_headers,
    sse,
)
from .declarations import bp, spec
from .errors import register_error_handlers
from .validation import INT_MAX


class BoundedInt(IntegerConverter):
    """Path integers the database can hold: a larger one matches no route (404), never an overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def create_app(server: HallServer) -> Flask:
    app = Flask("hall_server")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    if isinstance(app.json, DefaultJSONProvider):  # Chinese as is, keys in the order written
        app.json.ensure_ascii = False
        app.json.sort_keys = False
    app.url_map.converters["int"] = BoundedInt
    app.extensions["hall_server"] = server
    app.register_blueprint(bp, url_prefix="/api/v1")
    # The same API scoped to one hall: /api/v1/halls/<code>/tickets ...
    app.register_blueprint(bp, url_prefix="/api/v1/halls/<hall>", name="api_v1_hall")
    register_error_handlers(app)
    security_headers.install(app)

    @app.after_request
    def server_time(response):
        # Kiosks and boards show the server's time, not their own clocks.
        response.headers["X-Server-Time"] = server.clock.now().isoformat()
        if "principal" in g:
            response.headers["Vary"] = "Authorization"
        return response

    return app


__all__ = ["create_app", "spec"]
