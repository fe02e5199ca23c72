"""What the case flows are asked to do, as typed requests. Their field names are the API's, and
the route's JSON schema (api/routes_cases.py) is where their types and lengths are checked; the
flows check only what a schema cannot: what a step needs given the case it is applied to."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.cases import (
    DECISIONS,
    DELIVERY_CHOICES,
    DELIVERY_METHODS,
    MATERIAL_STATUSES,
    OUTCOMES,
    MaterialTick,
    OutcomeRequest,
)

# The requests, and the values their enumerated fields take (for the route's schema).
__all__ = [
    "DECISIONS",
    "DELIVERY_CHOICES",
    "DELIVERY_METHODS",
    "MATERIAL_STATUSES",
    "OUTCOMES",
    "Decision",
    "Delivery",
    "MaterialTick",
    "OpenCase",
    "OutcomeRequest",
    "Review",
]


@dataclass(frozen=True)
class OpenCase:
    """办件登记: the matter and the applicant (or the proxy who came for them)."""

    matter_id: int
    applicant_name: str
    ticket_id: int | None = None
    id_number: str | None = None
    phone: str | None = None
    proxy_name: str | None = None
    proxy_id_number: str | None = None
    window: int | None = None  # a supervisor opening for a window; a clerk's is the token's


@dataclass(frozen=True)
class Delivery:
    """送达: who received the result, how, and their signature (PNG/JPEG, base64 or a data: URL)."""

    method: str  # one of DELIVERY_METHODS
    recipient: str
    relation: str
    signature: str
    place: str | None = None  # the hall (or the village station) when not given
    document: str | None = None  # the result's name when not given


@dataclass(frozen=True)
class Review:
    """A supervisor settles an escalated case: ``reject`` (with reasons) or ``back_to_window``."""

    action: str
    reasons: str | None = None
    redirect_to: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Decision:
    """The department's decision: ``approved`` or ``rejected`` (with reasons), and the result."""

    decision: str  # one of DECISIONS
    result: str
    reasons: str | None = None
