"""好差评: one rating per finished service, from the window's pad or later through a one-time link.

Rules kept here (the pad and the QR page are only views):
* a pad rates only the service that just finished at its own window, and only within
  ``[evaluation] rate_within_seconds`` of the finish (default 120 s);
* the reasons and a call-back phone are asked only for 差评 (levels 2 and 1);
* a second rating of the same service is refused — the unique ``ratings.ticket_id`` decides,
  so two pads or a pad and a phone racing each other cannot both win.
The hall's TOML may carry an ``[evaluation]`` table (rate_within_seconds, bad_reasons);
the hall config parser ignores tables it does not know, so it is read here.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from hall_common.i18n import message

from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ..core.identity import mask_phone
from ..storage.models import Rating, RatingLink, Staff, Ticket, Window
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .context import HallContext
from .event_log import append_event
from .tokens import digest

T, RT, LNK, S = table_of(Ticket), table_of(Rating), table_of(RatingLink), table_of(Staff)
LEVELS = (5, 4, 3, 2, 1)
BAD_LEVELS = (2, 1)
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def evaluation_settings(ctx: HallContext) -> dict[str, Any]:
    # Parsed and checked once with the hall file ([evaluation]); a bad value stops start-up there.
    rules = ctx.config.evaluation
    return {
        "rate_within_seconds": rules.rate_within_seconds,
        "bad_reasons": list(rules.bad_reasons),
        "link_valid_days": rules.link_valid_days,
    }


class Ratings:
    def __init__(self, services: Services) -> None:
        self.s = services

    # --- what a pad shows ---------------------------------------------------------------------
    def pad_state(self, principal: Principal, window: int, windows_desk: Any) -> dict[str, Any]:
        self._require_pad(principal, window)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        settings = evaluation_settings(ctx)
        W = table_of(Window)
        with self.s.db.read() as conn:
            wrow = conn.execute(select(W).where(W.c.hall_id == ctx.id, W.c.number == window)).first()
            if wrow is None:
                raise NotFound("window_not_found", window=window)
            view = windows_desk.window_view(conn, ctx, wrow, now)
            pending = self._pending(conn, ctx, window, now, settings)
        return {
            "window": view,
            "pending": pending,
            "levels": self.levels(),
            "bad_levels": list(BAD_LEVELS),
            "bad_reasons": settings["bad_reasons"],
            "rate_within_seconds": settings["rate_within_seconds"],
            "server_time": now.isoformat(),
        }

    def levels(self, locale: str = "zh_CN") -> list[dict[str, Any]]:
        return [{"level": n, "label": message(f"accounts.rating_{n}", locale)} for n in LEVELS]

    def _pending(
        self, conn: Connection, ctx: HallContext, window: int, now: datetime, settings: Any
    ) -> dict[str, Any] | None:
        """The service that just finished at this window, if still unrated and within the limit."""
        row = conn.execute(
            select(T)
            .where(T.c.hall_id == ctx.id, T.c.window_number == window, T.c.state == "finished")
            .order_by(T.c.finished_at.desc(), T.c.id.desc())
            .limit(1)
        ).first()
        if row is None or row.finished_at is None:
            return None
        expires = row.finished_at + timedelta(seconds=settings["rate_within_seconds"])
        if expires <= now:
            return None
        if conn.execute(select(RT.c.id).where(RT.c.ticket_id == row.id)).first() is not None:
            return None
        stored = ctx.matters.get(row.matter_id) if row.matter_id is not None else None
        return {
            "ticket_id": row.id,
            "number": row.number,
            "matter_name": stored.matter.name if stored else None,
            "finished_at": row.finished_at.astimezone(ctx.config.timezone).isoformat(),
            "expires_at": expires.astimezone(ctx.config.timezone).isoformat(),
        }

    def _require_pad(self, principal: Principal, window: int) -> None:
        if principal.role in ("supervisor", "admin"):
            return
        if principal.role != "pad":
            raise Forbidden("forbidden_role", role=principal.role)
        if principal.window_number != window:
            raise Forbidden("pad_other_window", "accounts.pad_other_window", window=window, own=principal.window_number)

    # --- recording ----------------------------------------------------------------------------
    def rate_at_pad(
        self,
        principal: Principal,
        window: int,
        ticket_id: int,
        level: int,
        tags: list[str] | None = None,
        phone: str | None = None,
        channel: str = "pad",
    ) -> dict[str, Any]:
        if principal.role != "pad":
            raise Forbidden("forbidden_role", role=principal.role)
        self._require_pad(principal, window)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        settings = evaluation_settings(ctx)
        tags, phone = self._check_input(level, tags, phone, settings)
        with self.s.db.write() as conn:
            pending = self._pending(conn, ctx, window, now, settings)
            if pending is None or pending["ticket_id"] != ticket_id:
                already = conn.execute(select(RT.c.id).where(RT.c.ticket_id == ticket_id)).first()
                if already is not None:
                    raise Conflict("already_rated", "accounts.already_rated")
                raise Conflict("rating_not_open", "accounts.rating_not_open", window=window)
            row = conn.execute(select(T).where(T.c.id == ticket_id)).one()
            view = self._record(conn, ctx, row, level, tags, phone, channel, now, principal.label)
        return view

    def create_link(self, principal: Principal | None, ticket_id: int, key: str | None = None) -> dict[str, Any]:
        """A one-time rating link for a finished service: for staff, or for the resident holding
        the slip's public key (the QR leads the phone here after the service)."""
        if principal is None:
            with self.s.db.read() as conn:
                row = conn.execute(select(T).where(T.c.id == ticket_id)).first()
            if row is None or key is None or not secrets.compare_digest(row.public_key, key):
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            hall_id = row.hall_id
        else:
            principal.require("clerk", "supervisor", "admin", "pad")
            hall_id = principal.hall_id
        now = self.s.clock.now()
        token = "rt_" + secrets.token_urlsafe(18)
        with self.s.db.write() as conn:
            row = conn.execute(select(T).where(T.c.id == ticket_id, T.c.hall_id == hall_id)).first()
            if row is None:
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            if row.state != "finished":
                raise Conflict("service_not_finished", "accounts.service_not_finished", number=row.number)
            if conn.execute(select(RT.c.id).where(RT.c.ticket_id == ticket_id)).first() is not None:
                raise Conflict("already_rated", "accounts.already_rated")
            # One link per service: asking again replaces the earlier, unused link.
            conn.execute(LNK.delete().where(LNK.c.ticket_id == ticket_id))
            conn.execute(
                LNK.insert().values(hall_id=hall_id, ticket_id=ticket_id, token_hash=digest(token), created_at=now)
            )
        return {"token": token, "ticket_id": ticket_id, "path": f"/api/v1/ratings/by-link/{token}"}

    def by_link(self, token: str) -> dict[str, Any]:
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            link, row, ctx = self._link(conn, token, now)
            rated = conn.execute(select(RT.c.level).where(RT.c.ticket_id == row.id)).first()
            staff = (
                conn.execute(select(S.c.name, S.c.staff_no).where(S.c.id == row.staff_id)).first()
                if row.staff_id
                else None
            )
        stored = ctx.matters.get(row.matter_id) if row.matter_id is not None else None
        settings = evaluation_settings(ctx)
        return {
            "service": {
                "number": row.number,
                "matter_name": stored.matter.name if stored else None,
                "window": row.window_number,
                "finished_at": row.finished_at.astimezone(ctx.config.timezone).isoformat(),
                "staff": {"name": staff.name, "staff_no": staff.staff_no} if staff else None,
            },
            "rated": rated is not None,
            "levels": self.levels(),
            "bad_levels": list(BAD_LEVELS),
            "bad_reasons": settings["bad_reasons"],
        }

    def rate_by_link(self, token: str, level: int, tags: list[str] | None, phone: str | None) -> dict[str, Any]:
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            link, row, ctx = self._link(conn, token, now)
            tags, phone = self._check_input(level, tags, phone, evaluation_settings(ctx))
            if link.used_at is not None:
                raise Conflict("already_rated", "accounts.already_rated")
            conn.execute(update(LNK).where(LNK.c.id == link.id).values(used_at=now))
            view = self._record(conn, ctx, row, level, tags, phone, "link", now, "rating link")
        return view

    def _link(self, conn: Connection, token: str, now: datetime) -> Any:
        link = conn.execute(select(LNK).where(LNK.c.token_hash == digest(token))).first()
        if link is None:
            raise NotFound("rating_link_not_found", "accounts.rating_link_not_found")
        ctx = self.s.halls.get(link.hall_id)
        row = conn.execute(select(T).where(T.c.id == link.ticket_id)).one()
        days = evaluation_settings(ctx)["link_valid_days"]
        if row.finished_at is None or row.finished_at + timedelta(days=days) < now:
            raise Conflict("rating_link_expired", "accounts.rating_link_expired", days=days)
        return link, row, ctx

    def _check_input(
        self, level: int, tags: list[str] | None, phone: str | None, settings: Any
    ) -> tuple[list[str], str | None]:
        if level not in LEVELS:
            raise InvalidInput("invalid_level", "accounts.invalid_level")
        tags = list(dict.fromkeys(tags or []))
        phone = (phone or "").strip() or None
        if level not in BAD_LEVELS and (tags or phone):
            raise InvalidInput("reasons_only_for_bad", "accounts.reasons_only_for_bad")
        unknown = [t for t in tags if t not in settings["bad_reasons"]]
        if unknown:
            raise InvalidInput(
                "unknown_reason",
                "accounts.unknown_reason",
                reason=unknown[0],
                reasons="、".join(settings["bad_reasons"]),
            )
        if phone is not None and not PHONE.match(phone):
            raise InvalidInput("invalid_phone", "accounts.invalid_phone")
        return tags, phone

    def _record(
        self,
        conn: Any,
        ctx: HallContext,
        row: Any,
        level: int,
        tags: list[str],
        phone: str | None,
        channel: str,
        now: datetime,
        actor: str,
    ) -> dict[str, Any]:
        try:
            with conn.begin_nested():
                rating_id = conn.execute(
                    RT.insert()
                    .returning(RT.c.id)
                    .values(
                        hall_id=ctx.id,
                        ticket_id=row.id,
                        window_number=row.window_number,
                        staff_id=row.staff_id,
                        matter_id=row.matter_id,
                        level=level,
                        tags_json=json.dumps(tags, ensure_ascii=False),
                        phone=phone,
                        channel=channel,
                        rated_at=now,
                    )
                ).scalar_one()
        except IntegrityError:
            raise Conflict("already_rated", "accounts.already_rated") from None
        view = {
            "id": rating_id,
            "ticket_id": row.id,
            "number": row.number,
            "window": row.window_number,
            "staff_id": row.staff_id,
            "matter_id": row.matter_id,
            "level": level,
            "label": message(f"accounts.rating_{level}"),
            "bad": level in BAD_LEVELS,
            "tags": tags,
            "phone": mask_phone(phone),
            "channel": channel,
            "rated_at": now.astimezone(ctx.config.timezone).isoformat(),
        }
        append_event(
            self.s.db,
            conn,
            ctx.id,
            "rating.recorded",
            now,
            {"rating": view},
            ticket_id=row.id,
            window_number=row.window_number,
            actor=actor,
        )
        return view

    # --- supervisors ---------------------------------------------------------------------------
    def list(self, principal: Principal, day: Any = None) -> dict[str, Any]:
        principal.require("supervisor", "admin")
        ctx = self.s.halls.get(principal.hall_id)
        with self.s.db.read() as conn:
            q = (
                select(RT, T.c.number, T.c.service_date, S.c.name.label("staff_name"))
                .join(T, T.c.id == RT.c.ticket_id)
                .outerjoin(S, S.c.id == RT.c.staff_id)
                .where(RT.c.hall_id == ctx.id)
            )
            if day is not None:
                q = q.where(T.c.service_date == day)
            rows = conn.execute(q.order_by(RT.c.id.desc()).limit(500)).all()
        items = [
            {
                "id": r.id,
                "ticket_id": r.ticket_id,
                "number": r.number,
                "window": r.window_number,
                "staff_name": r.staff_name,
                "matter_id": r.matter_id,
                "level": r.level,
                "label": message(f"accounts.rating_{r.level}"),
                "bad": r.level in BAD_LEVELS,
                "tags": json.loads(r.tags_json),
                "phone": mask_phone(r.phone),
                "channel": r.channel,
                "rated_at": r.rated_at.astimezone(ctx.config.timezone).isoformat(),
            }
            for r in rows
        ]
        good = sum(1 for i in items if i["level"] >= 4)
        return {"ratings": items, "count": len(items), "good_rate": round(good / len(items), 3) if items else None}
