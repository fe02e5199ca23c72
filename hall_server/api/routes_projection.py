"""Today's projection for the supervisor: the end of the line, each window, where the cut-off falls."""

from __future__ import annotations

from flask import jsonify

from .context import principal, server
from .declarations import E403, bp, responses, spec


@spec.route(
    bp,
    "/projection",
    "GET",
    "Today's projection: expected start per waiting ticket, each window's last service, the closing cut-off",
    roles=("supervisor", "admin"),
    responses=responses(E403),
    tag="queue",
)
def today_projection():
    return jsonify(server().windows.projection(principal()))
