"""The hall's enrolled devices: their one-time codes, their tokens, what they last reported."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from ..models import ApiToken, DeviceEnrolment, DeviceStatus
from ..types import table_of

EN, TOK, D = table_of(DeviceEnrolment), table_of(ApiToken), table_of(DeviceStatus)


@dataclass(frozen=True)
class EnrolmentRecord:
    id: int
    hall_id: int
    name: str
    role: str
    window_number: int | None
    created_by: str
    created_at: datetime
    code_expires_at: datetime
    enrolled_at: datetime | None
    token_id: int | None
    revoked_at: datetime | None
    version: str
    last_seen_at: datetime | None


@dataclass(frozen=True)
class PeripheralRecord:
    device: str
    kind: str
    state: str
    detail: str
    reported_at: datetime


_COLUMNS = tuple(f.name for f in fields(EnrolmentRecord))


def _record(row: Any) -> EnrolmentRecord:
    return EnrolmentRecord(*(getattr(row, name) for name in _COLUMNS))


class EnrolmentRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        hall_id: int,
        name: str,
        role: str,
        window: int | None,
        code_hash: str,
        by: str,
        at: datetime,
        until: datetime,
    ) -> int:
        return self.conn.execute(
            EN.insert()
            .returning(EN.c.id)
            .values(
                hall_id=hall_id,
                name=name,
                role=role,
                window_number=window,
                code_hash=code_hash,
                created_by=by,
                created_at=at,
                code_expires_at=until,
                version="",
            )
        ).scalar_one()

    def get(self, hall_id: int, enrolment_id: int) -> EnrolmentRecord | None:
        row = self.conn.execute(select(EN).where(EN.c.hall_id == hall_id, EN.c.id == enrolment_id)).first()
        return _record(row) if row is not None else None

    def by_code(self, hall_id: int, code_hash: str) -> EnrolmentRecord | None:
        """The newest enrolment of this code (an old, spent one may share a new one's digits)."""
        query = (
            select(EN)
            .where(EN.c.hall_id == hall_id, EN.c.code_hash == code_hash)
            .order_by(EN.c.created_at.desc(), EN.c.id.desc())
        )
        row = self.conn.execute(query).first()
        return _record(row) if row is not None else None

    def live(self, hall_id: int, at: datetime) -> list[EnrolmentRecord]:
        """Devices enrolled and not revoked, and codes waiting to be used, by name."""
        waiting = EN.c.enrolled_at.is_(None) & (EN.c.code_expires_at > at)
        query = (
            select(EN)
            .where(EN.c.hall_id == hall_id, EN.c.revoked_at.is_(None), EN.c.enrolled_at.is_not(None) | waiting)
            .order_by(EN.c.name, EN.c.id)
        )
        return [_record(r) for r in self.conn.execute(query)]

    def waiting_codes(self, hall_id: int, at: datetime) -> list[str]:
        """Digests of the codes still usable (a new code must differ from each)."""
        query = select(EN.c.code_hash).where(
            EN.c.hall_id == hall_id,
            EN.c.enrolled_at.is_(None),
            EN.c.revoked_at.is_(None),
            EN.c.code_expires_at > at,
        )
        return list(self.conn.execute(query).scalars())

    def name_taken(self, hall_id: int, name: str, at: datetime) -> bool:
        return any(e.name == name for e in self.live(hall_id, at))

    def redeem(self, enrolment_id: int, token_id: int, at: datetime, version: str) -> bool:
        """Mark the code used by ``token_id``; False if another request used it first."""
        result = self.conn.execute(
            update(EN)
            .where(EN.c.id == enrolment_id, EN.c.enrolled_at.is_(None), EN.c.revoked_at.is_(None))
            .values(enrolled_at=at, token_id=token_id, last_seen_at=at, version=version)
        )
        return result.rowcount == 1

    def revoke(self, enrolment: EnrolmentRecord, at: datetime) -> str | None:
        """Revoke the enrolment and its token; the token's digest (to drop it from caches), if any."""
        self.conn.execute(update(EN).where(EN.c.id == enrolment.id).values(revoked_at=at))
        if enrolment.token_id is None:
            return None
        self.conn.execute(
            update(TOK).where(TOK.c.id == enrolment.token_id, TOK.c.revoked_at.is_(None)).values(revoked_at=at)
        )
        return self.conn.execute(select(TOK.c.token_hash).where(TOK.c.id == enrolment.token_id)).scalar_one()

    def seen(self, token_id: int, at: datetime, version: str | None) -> None:
        """A device's token reported: its last contact, and its version when it said one."""
        values: dict[str, Any] = {"last_seen_at": at}
        if version:
            values["version"] = version
        self.conn.execute(update(EN).where(EN.c.token_id == token_id, EN.c.revoked_at.is_(None)).values(**values))

    def peripherals(self, hall_id: int, token_ids: list[int]) -> dict[int, list[PeripheralRecord]]:
        """Each token's reported peripherals (printer, pads…), by name."""
        if not token_ids:
            return {}
        query = (
            select(D.c.token_id, D.c.device, D.c.kind, D.c.state, D.c.detail, D.c.reported_at)
            .where(D.c.hall_id == hall_id, D.c.token_id.in_(token_ids))
            .order_by(D.c.device)
        )
        out: dict[int, list[PeripheralRecord]] = {}
        for r in self.conn.execute(query):
            out.setdefault(r.token_id, []).append(PeripheralRecord(r.device, r.kind, r.state, r.detail, r.reported_at))
        return out
