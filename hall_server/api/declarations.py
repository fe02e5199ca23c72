"""What every route module shares: the blueprint and its OpenAPI spec, the role groups, the
error responses a route documents, and the few request helpers more than one resource needs."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, g, request

from ..core.errors import InvalidInput
from .spec import ApiSpec
from .validation import day

API_VERSION = "1.0.0"
spec = ApiSpec("yichuang hall server", API_VERSION)
bp = Blueprint("api_v1", __name__)

STAFF = ("clerk", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")
DEVICE_ROLES = ("kiosk", "board", "pad")
ANY_DEVICE = ("kiosk", "board", "pad", "clerk", "backoffice", "supervisor", "admin")
E400, E401, E403, E404, E409 = (
    (400, "Invalid input"),
    (401, "No or unknown token"),
    (403, "Not allowed"),
    (404, "Not found"),
    (409, "Refused by the hall's rules"),
)

# A day in a query (?date=YYYY-MM-DD), the same rule and example everywhere.
DATE_QUERY = {"date": day()}


def responses(*extra: tuple[int, str], ok: tuple[int, str] = (200, "OK")) -> dict[int, str]:
    return dict([ok, E401, *extra])


@bp.url_value_preprocessor
def pull_hall(endpoint, values):
    # /api/v1/halls/<hall>/... acts on that hall; the token must belong to it.
    g.path_hall = values.pop("hall", None) if values else None


def local_datetime(value: str, field: str) -> datetime:
    """A body's local time (its schema is ``validation.local_time``, which allows surrounding
    blanks that ``fromisoformat`` does not)."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("invalid_datetime", field=field) from None


def booking_page_url() -> str:
    # The address residents' phones reach (`serve --public-url`, the key display_board/web.py
    # reads for the board's QR), else the one this request came to.
    return (current_app.config.get("YICHUANG_PUBLIC_URL") or request.host_url).rstrip("/") + "/book"
