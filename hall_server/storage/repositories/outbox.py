"""The notifier outbox: texts to residents, written in the change's own transaction (never lost)
and sent after the commit; a failed send waits for the retries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from ..case_models import CaseNotification
from ..types import table_of

NOTES = table_of(CaseNotification)


@dataclass(frozen=True)
class DueMessage:
    id: int
    recipient: str
    text: str
    attempts: int


class Outbox:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def queue_for_appointment(
        self, hall_id: int, appointment_id: int, channel: str, recipient: str, text: str, now: datetime
    ) -> int:
        return self.conn.execute(
            NOTES.insert()
            .returning(NOTES.c.id)
            .values(
                case_id=None,
                appointment_id=appointment_id,
                hall_id=hall_id,
                channel=channel,
                recipient=recipient,
                text=text,
                status="pending",
                detail="",
                created_at=now,
            )
        ).scalar_one()

    def record(self, note_id: int, status: str, detail: str, attempts: int, retry_at: datetime | None) -> None:
        self.conn.execute(
            update(NOTES)
            .where(NOTES.c.id == note_id)
            .values(status=status, detail=detail[:500], attempts=attempts, next_attempt_at=retry_at)
        )

    def appointment_retries_due(self, hall_id: int, now: datetime, max_sends: int) -> list[DueMessage]:
        rows = self.conn.execute(
            select(NOTES.c.id, NOTES.c.recipient, NOTES.c.text, NOTES.c.attempts).where(
                NOTES.c.hall_id == hall_id,
                NOTES.c.appointment_id.is_not(None),
                NOTES.c.status == "failed",
                NOTES.c.attempts < max_sends,
                NOTES.c.next_attempt_at <= now,
            )
        )
        return [DueMessage(r.id, r.recipient, r.text, r.attempts) for r in rows]

    def claim_retry(self, message: DueMessage) -> bool:
        """failed → sending, only if nobody else claimed it: one message is never sent twice."""
        return (
            self.conn.execute(
                update(NOTES)
                .where(NOTES.c.id == message.id, NOTES.c.status == "failed", NOTES.c.attempts == message.attempts)
                .values(status="sending")
            ).rowcount
            == 1
        )
