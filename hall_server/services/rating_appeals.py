"""申诉复核: the clerk who served appeals a rating (mistaken, malicious, not about this service);
a supervisor or admin upholds or rejects it. An upheld appeal takes the rating out of the figures
(``ratings.counted``) but keeps the rating and the decision in the record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from hall_common.i18n import message

from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ..storage.models import Rating
from ..storage.rating_models import RatingAppeal
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .event_log import append_event

AP, RT = table_of(RatingAppeal), table_of(Rating)
KINDS = ("mistaken", "malicious", "not_this_service")
DECISIONS = ("upheld", "rejected")
MAX_TEXT = 1000


def _text(value: Any, field: str, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("field_required", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput("field_too_long", field=field, max=MAX_TEXT)
    return value.strip()


class RatingAppeals:
    def __init__(self, services: Services) -> None:
        self.s = services

    def file(self, principal: Principal, rating_id: int, kind: Any, reason: Any) -> dict[str, Any]:
        principal.require("clerk")
        if kind not in KINDS:
            raise InvalidInput(
                "appeal_kind", "ratings.appeal_kind", allowed="、".join(message(f"ratings.kind_{k}") for k in KINDS)
            )
        reason = _text(reason, "reason", True)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            rating = conn.execute(select(RT).where(RT.c.id == rating_id, RT.c.hall_id == principal.hall_id)).first()
            if rating is None:
                raise NotFound("rating_not_found", "ratings.rating_not_found", id=rating_id)
            if principal.staff_id is None or rating.staff_id != principal.staff_id:
                raise Forbidden("appeal_own_only", "ratings.appeal_own_only")
            try:
                with conn.begin_nested():
                    appeal_id = conn.execute(
                        AP.insert()
                        .returning(AP.c.id)
                        .values(
                            hall_id=principal.hall_id,
                            rating_id=rating_id,
                            kind=kind,
                            reason=reason,
                            state="pending",
                            filed_by=principal.label[:100],
                            filed_at=now,
                            decision_note="",
                        )
                    ).scalar_one()
            except IntegrityError:
                raise Conflict("appeal_exists", "ratings.appeal_exists") from None
            append_event(
                self.s.db,
                conn,
                principal.hall_id,
                "rating.appeal",
                now,
                {"appeal": {"id": appeal_id, "state": "pending"}},
                window_number=rating.window_number,
                actor=principal.label[:100],
            )
        return self.get(principal, appeal_id)

    def decide(self, principal: Principal, appeal_id: int, decision: Any, note: Any) -> dict[str, Any]:
        if decision not in DECISIONS:
            raise InvalidInput("field_enum", field="decision", allowed=", ".join(DECISIONS))
        note = _text(note, "note", True)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            appeal = conn.execute(select(AP).where(AP.c.id == appeal_id, AP.c.hall_id == principal.hall_id)).first()
            if appeal is None:
                raise NotFound("appeal_not_found", "ratings.appeal_not_found", id=appeal_id)
            done = conn.execute(
                update(AP)
                .where(AP.c.id == appeal_id, AP.c.state == "pending")
                .values(state=decision, decided_by=principal.label[:100], decided_at=now, decision_note=note)
            )
            if done.rowcount != 1:
                raise Conflict("appeal_decided", "ratings.appeal_decided")
            if decision == "upheld":
                conn.execute(update(RT).where(RT.c.id == appeal.rating_id).values(counted=False))
            append_event(
                self.s.db,
                conn,
                principal.hall_id,
                "rating.appeal",
                now,
                {"appeal": {"id": appeal_id, "state": decision}},
                actor=principal.label[:100],
            )
        return self.get(principal, appeal_id)

    def get(self, principal: Principal, appeal_id: int) -> dict[str, Any]:
        with self.s.db.read() as conn:
            a = conn.execute(select(AP).where(AP.c.id == appeal_id, AP.c.hall_id == principal.hall_id)).first()
        if a is None:
            raise NotFound("appeal_not_found", "ratings.appeal_not_found", id=appeal_id)
        return self._view(a)

    def list(self, principal: Principal, state: str | None) -> dict[str, Any]:
        principal.require("clerk", "supervisor", "admin")
        if state is not None and state not in ("pending", *DECISIONS):
            raise InvalidInput("field_enum", field="state", allowed="pending, upheld, rejected")
        q = select(AP).join(RT, RT.c.id == AP.c.rating_id).where(AP.c.hall_id == principal.hall_id)
        if principal.role == "clerk":
            q = q.where(RT.c.staff_id == principal.staff_id)
        if state is not None:
            q = q.where(AP.c.state == state)
        with self.s.db.read() as conn:
            rows = conn.execute(q.order_by(AP.c.id.desc()).limit(500)).all()
        return {"items": [self._view(a) for a in rows]}

    @staticmethod
    def _view(a: Any) -> dict[str, Any]:
        return {
            "id": a.id,
            "rating_id": a.rating_id,
            "kind": a.kind,
            "kind_label": message(f"ratings.kind_{a.kind}"),
            "reason": a.reason,
            "state": a.state,
            "filed_by": a.filed_by,
            "filed_at": a.filed_at.isoformat(),
            "decided_by": a.decided_by,
            "decided_at": a.decided_at and a.decided_at.isoformat(),
            "decision_note": a.decision_note,
        }
