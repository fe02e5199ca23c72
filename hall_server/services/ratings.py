"""好差评: one rating per finished service, from the window's pad or later through a one-time link.

Rules kept here (the pad and the QR page are only views):
* a pad rates only the service that just finished at its own window, and only within
  ``[evaluation] rate_within_seconds`` of the finish (default 120 s);
* the level is stored the moment it is chosen, so a rating is never lost to a timeout; reasons
  and a call-back phone are additions (asked only for 差评), and until the pad's time limit ends
  (or, through a link, that long after the first answer) the same device may correct a mis-tap;
* a second rating of the same service from elsewhere is refused — the unique ``ratings.ticket_id``
  decides, so two pads or a pad and a phone racing each other cannot both win;
* a rating comes from the resident's side only: the serving window's pad during or right after
  the service, or a one-time link — asked by the slip's holder (its key, which only a kiosk's slip
  carries: a ticket staff issued for someone has no key outside the server) or by that pad within
  its time; staff never; an unused link is never silently replaced; each link records who really
  asked for it (the pad, or the slip's holder and the address the request came from);
* a rating of a ticket staff issued for the resident is kept ``assisted`` and counted apart in the
  figures, so a clerk cannot raise his 好评率 with numbers he takes for people;
* a rating belongs to the clerk signed in at the window when the service finished.
Settings are the hall's ``[evaluation]`` table (hall_server/core/hall_config.py: EvaluationRules).
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, select, update
from sqlalchemy.exc import IntegrityError

from hall_common.i18n import message

from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ..core.hall_config import EvaluationRules
from ..core.identity import mask_phone
from ..storage.models import Rating, RatingLink, Staff, Ticket
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .context import HallContext
from .event_log import append_event
from .follow_ups import FollowUps
from .ticket_view import STAFF_ISSUERS
from .tokens import digest
from .window_posts import window_or_404, window_view

T, RT, LNK, S = table_of(Ticket), table_of(Rating), table_of(RatingLink), table_of(Staff)
LEVELS = (5, 4, 3, 2, 1)
BAD_LEVELS = (2, 1)
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def asks_reasons(rules: EvaluationRules, level: int) -> bool:
    """The pad asks reasons and a phone for every level that opens a follow-up (差评, maybe 3)."""
    return level in BAD_LEVELS or level in rules.follow_up_levels


class Ratings:
    def __init__(self, services: Services, follow_ups: FollowUps | None = None) -> None:
        self.s = services
        self.follow_ups = follow_ups or FollowUps(services)

    # --- what a pad shows ---------------------------------------------------------------------
    def pad_state(self, principal: Principal, window: int) -> dict[str, Any]:
        self._require_pad(principal, window)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        rules = ctx.config.evaluation
        with self.s.db.read() as conn:
            view = window_view(conn, ctx, window_or_404(conn, ctx, window), now)
            pending = self._pending(conn, ctx, window, now, rules)
        return {
            "window": view,
            "pending": pending,
            "levels": self.levels(),
            "bad_levels": sorted(set(BAD_LEVELS) | set(rules.follow_up_levels), reverse=True),
            "bad_reasons": list(rules.bad_reasons),
            "rate_within_seconds": rules.rate_within_seconds,
            "server_time": now.isoformat(),
        }

    def levels(self, locale: str = "zh_CN") -> list[dict[str, Any]]:
        return [{"level": n, "label": message(f"accounts.rating_{n}", locale)} for n in LEVELS]

    def _last_finished(self, conn: Connection, ctx: HallContext, window: int) -> Row[Any] | None:
        return conn.execute(
            select(T)
            .where(T.c.hall_id == ctx.id, T.c.window_number == window, T.c.state == "finished")
            .order_by(T.c.finished_at.desc(), T.c.id.desc())
            .limit(1)
        ).first()

    def _pending(
        self, conn: Connection, ctx: HallContext, window: int, now: datetime, rules: EvaluationRules
    ) -> dict[str, Any] | None:
        """The service that just finished at this window, if still unrated and within the limit."""
        row = self._last_finished(conn, ctx, window)
        if row is None or row.finished_at is None:
            return None
        expires = row.finished_at + timedelta(seconds=rules.rate_within_seconds)
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
        """Store the level at once; the same pad may add reasons and a phone, or correct the level,
        until its time limit ends (the answer is then final)."""
        if principal.role != "pad":
            raise Forbidden("forbidden_role", role=principal.role)
        self._require_pad(principal, window)
        ctx = self.s.halls.get(principal.hall_id)
        now = self.s.clock.now()
        rules = ctx.config.evaluation
        tags, phone = self._check_input(level, tags, phone, rules)
        with self.s.db.write() as conn:
            existing = conn.execute(select(RT).where(RT.c.ticket_id == ticket_id)).first()
            if existing is not None:
                # A correction or the reasons, from this window's pad while its time runs (even if the
                # next resident has meanwhile been served: the first rating is not dropped).
                row = conn.execute(select(T).where(T.c.id == ticket_id)).one()
                open_until = (row.finished_at or now) + timedelta(seconds=rules.rate_within_seconds)
                mine = existing.channel in ("pad", "serial_pad") and existing.window_number == window
                if not mine or open_until <= now or row.hall_id != ctx.id:
                    raise Conflict("already_rated", "accounts.already_rated")
                return self._revise(conn, ctx, row, existing, level, tags, phone, now, principal.label)
            last = self._last_finished(conn, ctx, window)
            if (
                last is None
                or last.id != ticket_id
                or last.finished_at is None
                or last.finished_at + timedelta(seconds=rules.rate_within_seconds) <= now
            ):
                raise Conflict("rating_not_open", "accounts.rating_not_open", window=window)
            return self._record(conn, ctx, last, level, tags, phone, channel, now, principal.label)

    def create_link(
        self,
        principal: Principal | None,
        ticket_id: int,
        key: str | None = None,
        replace: bool = False,
        address: str | None = None,
    ) -> dict[str, Any]:
        """A one-time rating link for a finished service: for the resident holding the slip's key
        (the QR leads the phone here), or asked by the pad of the window that served, during or
        right after the service. Never by staff: the clerk who served must not be able to rate
        himself. ``address``: where a slip holder's request came from, recorded with the link."""
        now = self.s.clock.now()
        if key is not None:
            if principal is not None:
                # A slip's key with a token is not a resident's phone (the ticket page has no token).
                raise Forbidden("link_key_with_token", "ratings.link_key_with_token")
            with self.s.db.read() as conn:
                row = conn.execute(select(T).where(T.c.id == ticket_id)).first()
            # A ticket staff issued has no slip outside the server: its key opens nothing, read as
            # an unknown ticket like a wrong key (the answer never tells which).
            if row is None or row.issued_by_role in STAFF_ISSUERS or not secrets.compare_digest(row.public_key, key):
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            hall_id = row.hall_id
            creator = f"resident: slip key from {address or 'unknown address'}"[:100]
        else:
            if principal is None:
                raise Forbidden("forbidden_role", role="—")
            principal.require("pad")
            hall_id, creator = principal.hall_id, f"pad {principal.window_number}: {principal.label}"[:100]
            if replace:
                raise Forbidden("link_replace_resident_only", "ratings.link_replace_resident_only")
        token = "rt_" + secrets.token_urlsafe(18)
        with self.s.db.write() as conn:
            row = conn.execute(select(T).where(T.c.id == ticket_id, T.c.hall_id == hall_id)).first()
            if row is None:
                raise NotFound("ticket_not_found", ticket_id=ticket_id)
            if principal is not None and row.window_number != principal.window_number:
                raise Forbidden(
                    "pad_other_window",
                    "accounts.pad_other_window",
                    window=row.window_number,
                    own=principal.window_number,
                )
            if row.state != "finished":
                raise Conflict("service_not_finished", "accounts.service_not_finished", number=row.number)
            rules = self.s.halls.get(hall_id).config.evaluation
            if (
                principal is not None
                and row.finished_at is not None
                and row.finished_at + timedelta(seconds=rules.rate_within_seconds) <= now
            ):
                # The pad speaks for the resident in front of it, during or right after the service;
                # later, only the slip's holder may ask (else whoever holds the pad could rate old services).
                raise Conflict("rating_not_open", "accounts.rating_not_open", window=row.window_number)
            if conn.execute(select(RT.c.id).where(RT.c.ticket_id == ticket_id)).first() is not None:
                raise Conflict("already_rated", "accounts.already_rated")
            earlier = conn.execute(select(LNK).where(LNK.c.ticket_id == ticket_id)).first()
            if earlier is not None:
                if not replace:
                    raise Conflict(
                        "rating_link_exists", "ratings.link_exists", by=earlier.created_by or "—"
                    ).with_details(created_by=earlier.created_by, created_at=earlier.created_at.isoformat())
                # Only the slip's holder may ask again (a lost page); it is logged, never silent.
                conn.execute(LNK.delete().where(LNK.c.id == earlier.id))
                append_event(
                    self.s.db,
                    conn,
                    hall_id,
                    "rating.link_replaced",
                    now,
                    # Not filed under the ticket: its history lists only its state changes.
                    {"ticket_id": ticket_id, "previous_created_by": earlier.created_by},
                    window_number=row.window_number,
                    actor=creator,
                )
            conn.execute(
                LNK.insert().values(
                    hall_id=hall_id, ticket_id=ticket_id, token_hash=digest(token), created_at=now, created_by=creator
                )
            )
        return {
            "token": token,
            "ticket_id": ticket_id,
            "created_by": creator,
            "path": f"/api/v1/ratings/by-link/{token}",
        }

    def by_link(self, token: str) -> dict[str, Any]:
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            link, row, ctx = self._link(conn, token, now)
            rating = conn.execute(select(RT).where(RT.c.ticket_id == row.id)).first()
            staff = (
                conn.execute(select(S.c.name, S.c.staff_no).where(S.c.id == row.staff_id)).first()
                if row.staff_id
                else None
            )
        stored = ctx.matters.get(row.matter_id) if row.matter_id is not None else None
        rules = ctx.config.evaluation
        revisable = self._link_revisable_until(link, rating, rules)
        return {
            "service": {
                "number": row.number,
                "matter_name": stored.matter.name if stored else None,
                "window": row.window_number,
                "finished_at": row.finished_at.astimezone(ctx.config.timezone).isoformat(),
                "staff": {"name": staff.name, "staff_no": staff.staff_no} if staff else None,
            },
            "rated": rating is not None and (revisable is None or revisable <= now),
            "level": rating.level if rating is not None and revisable is not None and revisable > now else None,
            "expires_at": revisable.isoformat() if revisable is not None and revisable > now else None,
            "levels": self.levels(),
            "bad_levels": sorted(set(BAD_LEVELS) | set(rules.follow_up_levels), reverse=True),
            "bad_reasons": list(rules.bad_reasons),
            "rate_within_seconds": rules.rate_within_seconds,
            "server_time": now.isoformat(),
        }

    @staticmethod
    def _link_revisable_until(link: Row[Any], rating: Row[Any] | None, rules: EvaluationRules) -> datetime | None:
        if rating is None or link.used_at is None or rating.channel != "link":
            return None
        until: datetime = link.used_at + timedelta(seconds=rules.rate_within_seconds)
        return until

    def rate_by_link(self, token: str, level: int, tags: list[str] | None, phone: str | None) -> dict[str, Any]:
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            link, row, ctx = self._link(conn, token, now)
            rules = ctx.config.evaluation
            tags, phone = self._check_input(level, tags, phone, rules)
            existing = conn.execute(select(RT).where(RT.c.ticket_id == row.id)).first()
            if link.used_at is not None:
                until = self._link_revisable_until(link, existing, rules)
                if existing is None or until is None or until <= now:
                    raise Conflict("already_rated", "accounts.already_rated")
                return self._revise(conn, ctx, row, existing, level, tags, phone, now, "rating link")
            claimed = conn.execute(update(LNK).where(LNK.c.id == link.id, LNK.c.used_at.is_(None)).values(used_at=now))
            if claimed.rowcount != 1:
                raise Conflict("already_rated", "accounts.already_rated")
            return self._record(conn, ctx, row, level, tags, phone, "link", now, "rating link")

    def _link(self, conn: Connection, token: str, now: datetime) -> tuple[Row[Any], Row[Any], HallContext]:
        link = conn.execute(select(LNK).where(LNK.c.token_hash == digest(token))).first()
        if link is None:
            raise NotFound("rating_link_not_found", "accounts.rating_link_not_found")
        ctx = self.s.halls.get(link.hall_id)
        row = conn.execute(select(T).where(T.c.id == link.ticket_id)).one()
        days = ctx.config.evaluation.link_valid_days
        if row.finished_at is None or row.finished_at + timedelta(days=days) < now:
            raise Conflict("rating_link_expired", "accounts.rating_link_expired", days=days)
        return link, row, ctx

    def _check_input(
        self, level: int, tags: list[str] | None, phone: str | None, rules: EvaluationRules
    ) -> tuple[list[str], str | None]:
        if level not in LEVELS:
            raise InvalidInput("invalid_level", "accounts.invalid_level")
        tags = list(dict.fromkeys(tags or []))
        phone = (phone or "").strip() or None
        if not asks_reasons(rules, level) and (tags or phone):
            raise InvalidInput("reasons_only_for_bad", "accounts.reasons_only_for_bad")
        unknown = [t for t in tags if t not in rules.bad_reasons]
        if unknown:
            raise InvalidInput(
                "unknown_reason",
                "accounts.unknown_reason",
                reason=unknown[0],
                reasons="、".join(rules.bad_reasons),
            )
        if phone is not None and not PHONE.match(phone):
            raise InvalidInput("invalid_phone", "accounts.invalid_phone")
        return tags, phone

    def _view(
        self, rating_id: int, row: Row[Any], level: int, tags: list[str], phone: str | None, channel: str, at: datetime
    ) -> dict[str, Any]:
        return {
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
            "assisted": row.issued_by_role in STAFF_ISSUERS,
            "rated_at": at.isoformat(),
        }

    def _record(
        self,
        conn: Connection,
        ctx: HallContext,
        row: Row[Any],
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
                        assisted=row.issued_by_role in STAFF_ISSUERS,
                    )
                ).scalar_one()
        except IntegrityError:
            raise Conflict("already_rated", "accounts.already_rated") from None
        view = self._view(rating_id, row, level, tags, phone, channel, now.astimezone(ctx.config.timezone))
        self.follow_ups.sync(conn, ctx, rating_id, row, level, now, actor)
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

    def _revise(
        self,
        conn: Connection,
        ctx: HallContext,
        row: Row[Any],
        existing: Row[Any],
        level: int,
        tags: list[str],
        phone: str | None,
        now: datetime,
        actor: str,
    ) -> dict[str, Any]:
        """The same device, still within its time: a corrected level (返回) or the reasons and phone
        added to the level already stored. Reasons and phone not sent again are kept."""
        if level == existing.level:
            tags = tags or json.loads(existing.tags_json)
            phone = phone or existing.phone
        conn.execute(
            update(RT)
            .where(RT.c.id == existing.id)
            .values(level=level, tags_json=json.dumps(tags, ensure_ascii=False), phone=phone)
        )
        view = self._view(existing.id, row, level, tags, phone, existing.channel, existing.rated_at)
        self.follow_ups.sync(conn, ctx, existing.id, row, level, now, actor)
        append_event(
            self.s.db,
            conn,
            ctx.id,
            "rating.recorded",
            now,
            {"rating": view, "revised": True},
            ticket_id=row.id,
            window_number=row.window_number,
            actor=actor,
        )
        return view

    # --- supervisors ---------------------------------------------------------------------------
    def list(self, principal: Principal, day: Any = None) -> dict[str, Any]:
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
        good_levels = ctx.config.evaluation.good_levels
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
                "defaulted": r.defaulted,
                "counted": r.counted,
                "assisted": r.assisted,
                "rated_at": r.rated_at.astimezone(ctx.config.timezone).isoformat(),
            }
            for r in rows
        ]
        counted = [i for i in items if i["counted"] and not i["assisted"]]
        good = sum(1 for i in counted if i["level"] in good_levels)
        return {"ratings": items, "count": len(items), "good_rate": round(good / len(counted), 3) if counted else None}
