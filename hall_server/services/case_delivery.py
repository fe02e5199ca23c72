"""The result back at the front window (取回登记), the resident told to collect it, and 送达 with
its receipt (送达回执) and the recipient's signature."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from hall_common.i18n import message

from ..core import cases as rules
from ..core.errors import Conflict, InvalidInput
from ..core.signature_image import check_signature
from ..storage.repositories.cases import CaseRecord, CaseRepository
from .access import Principal
from .case_notifier import Notifier, notifier_from_env
from .case_reads import CaseReads
from .case_requests import Delivery
from .case_steps import FRONT, Apply, CaseSteps, Changes
from .context import HallContext


def delivery(steps: CaseSteps, p: Principal, req: Delivery) -> Apply:
    """The ``apply`` of a delivery with its receipt (checked here, before anything is written)."""
    recipient, relation = rules.required_text(req.recipient, "recipient"), rules.required_text(req.relation, "relation")
    mime, signature = _signature(req.signature)

    def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
        place = rules.optional_text(req.place) or (
            case.village_station
            if req.method == "village_station" and case.village_station
            else ctx.config.short_name or ctx.config.name
        )
        docs = dict(case.documents)
        document = rules.optional_text(req.document) or case.result_text or case.matter_name
        number = steps.issue_document(cases, ctx, "receipt", now, docs)
        cases.add_receipt(
            {
                "case_id": case.id,
                "hall_id": ctx.id,
                "receipt_no": number,
                "document": document,
                "recipient": recipient,
                "relation": relation,
                "delivered_at": now,
                "place": place,
                "method": req.method,
                "signature_mime": mime,
                "signature_b64": signature,
                "recorded_by": p.label,
            }
        )
        return (
            {"delivered_at": now, "documents": docs},
            {"receipt_no": number, "recipient": recipient, "method": req.method, "place": place},
        )

    return apply


def _signature(value: str) -> tuple[str, str]:
    """The resident's signature (or a photo of the signed paper): PNG or JPEG, base64 or data: URL."""
    if not value.strip():
        raise InvalidInput("case_signature_required", "cases.signature_required")
    raw = value.split(",", 1)[1] if value.startswith("data:") else value
    try:
        blob = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("case_bad_signature", "cases.bad_signature") from None
    return check_signature(blob), base64.b64encode(blob).decode()


class CaseDelivery:
    def __init__(self, steps: CaseSteps, reads: CaseReads, notifier: Notifier | None = None) -> None:
        self.steps = steps
        self.s = steps.s
        self.reads = reads  # the case after a notice, read (and logged) as any staff read
        self.notifier = notifier or notifier_from_env()

    def return_result(self, p: Principal, case_no: str, note: str | None = None) -> dict[str, Any]:
        def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
            return {"returned_at": now}, {"note": rules.optional_text(note)}

        return self.steps.transition(p, case_no, "return", FRONT, apply)

    def notify(self, p: Principal, case_no: str) -> dict[str, Any]:
        pending: dict[str, Any] = {}

        def apply(cases: CaseRepository, ctx: HallContext, case: CaseRecord, now: datetime) -> Changes:
            if not case.phone:
                raise Conflict("case_no_phone", "cases.no_phone")
            key = "cases.notify_station" if case.delivery_choice == "village_station" else "cases.notify_pickup"
            text = message(
                key,
                hall=ctx.config.short_name or ctx.config.name,
                matter=case.matter_name,
                case_no=case.case_no,
                station=case.village_station or "",
            )
            note_id = cases.add_notification(case.id, ctx.id, self.notifier.channel, case.phone, text, now)
            pending.update(id=note_id, phone=case.phone, text=text)
            return {"notified_at": now}, {"channel": self.notifier.channel, "notification_id": note_id}

        self.steps.transition(p, case_no, "notify", FRONT, apply)
        # Sent after the commit: a slow gateway never holds the database's write lock.
        result = self.notifier.send(pending["phone"], pending["text"])
        with self.s.db.write() as conn:
            CaseRepository(conn).set_notification_status(pending["id"], result.status, result.detail)
        return self.reads.get(p, case_no)

    def deliver(self, p: Principal, case_no: str, req: Delivery) -> dict[str, Any]:
        return self.steps.transition(p, case_no, "deliver", FRONT, delivery(self.steps, p, req))
