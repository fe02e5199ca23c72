"""差评 follow-up (谁办理谁负责): 待回访 → 核实中 → 立行立改 / 限期整改 / 解释说明 → 待反馈 → 已办结.

Each 差评 (levels in ``[evaluation] follow_up_levels``, default 2 and 1) opens one follow-up with a
回访 deadline at the close of the ``callback_working_days``-th working day after the rating (hall
calendar and hours, so a Friday 差评 is due Monday and 2027 falls back to plain weekends).
The rater's full phone is shown only to supervisors, admins and the clerk who served, and every
showing is logged. The report back to the rater goes through the SMS outbox (rating_messages):
stored in the transaction, sent after the commit, retried while queued or failed, claimed before
each attempt so that two senders never send it twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy import Connection, Row, func, select, update
from sqlalchemy.exc import IntegrityError

from hall_common.i18n import message

from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ..storage.models import Rating, Staff, Ticket
from ..storage.rating_models import FOLLOW_UP_STATES, FollowUp, FollowUpStep, PhoneView, RatingMessage
from ..storage.types import table_of
from .access import Principal
from .base import Services
from .case_notifier import Notifier, notifier_from_env
from .context import HallContext
from .event_log import append_event

FU, STEP, VIEW, MSG = table_of(FollowUp), table_of(FollowUpStep), table_of(PhoneView), table_of(RatingMessage)
RT, T, S = table_of(Rating), table_of(Ticket), table_of(Staff)
OPEN_STATES = tuple(s for s in FOLLOW_UP_STATES if s != "closed")
# What the list may be asked for (?state=): a state, or every open one, or the overdue ones.
QUERY_STATES = (*FOLLOW_UP_STATES, "open", "overdue")
# action: (states it may start from, state it leads to)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "call_back": (("pending_callback",), "verifying"),
    "rectify_now": (("verifying",), "rectify_now"),
    "rectify_deadline": (("verifying",), "rectify_deadline"),
    "explain": (("verifying",), "explained"),
    "report_back": (("rectify_now", "rectify_deadline", "explained"), "awaiting_feedback"),
    "close": (("awaiting_feedback",), "closed"),
}
MAX_NOTE = 1000
MAX_SEND_ATTEMPTS = 10


def day_end(ctx: HallContext, day: Any) -> datetime:
    """The close of the hall's working day (the end of its last opening range), as aware UTC-able time."""
    hours = ctx.config.working_day_hours
    closing = hours[-1].end if hours else time(17, 30)
    return datetime.combine(day, closing, tzinfo=ctx.config.timezone)


def callback_due(ctx: HallContext, rated_at: datetime) -> datetime:
    local_day = rated_at.astimezone(ctx.config.timezone).date()
    return day_end(ctx, ctx.calendar.add_working_days(local_day, ctx.config.evaluation.callback_working_days))


def is_overdue(row: Any, now: datetime) -> bool:
    if row.state == "pending_callback":
        return bool(now > row.callback_due_at)
    if row.state == "rectify_deadline" and row.rectify_due_at is not None:
        return bool(now > row.rectify_due_at)
    return False


class FollowUps:
    def __init__(self, services: Services, notifier: Notifier | None = None) -> None:
        self.s = services
        self.notifier = notifier or notifier_from_env()

    # --- opened by a rating -------------------------------------------------------------------
    def sync(
        self,
        conn: Connection,
        ctx: HallContext,
        rating_id: int,
        ticket: Row[Any],
        level: int,
        now: datetime,
        actor: str,
    ) -> None:
        """Open the follow-up of a 差评; a corrected mis-tap drops one nobody has touched yet."""
        existing = conn.execute(select(FU).where(FU.c.rating_id == rating_id)).first()
        wanted = level in ctx.config.evaluation.follow_up_levels
        if existing is not None:
            if not wanted and existing.state == "pending_callback" and existing.called_back_at is None:
                conn.execute(STEP.delete().where(STEP.c.follow_up_id == existing.id))
                conn.execute(FU.delete().where(FU.c.id == existing.id))
            elif wanted:
                conn.execute(update(FU).where(FU.c.id == existing.id).values(level=level, updated_at=now))
            return
        if not wanted:
            return
        try:
            with conn.begin_nested():
                fu_id = conn.execute(
                    FU.insert()
                    .returning(FU.c.id)
                    .values(
                        hall_id=ctx.id,
                        rating_id=rating_id,
                        ticket_id=ticket.id,
                        window_number=ticket.window_number,
                        staff_id=ticket.staff_id,
                        matter_id=ticket.matter_id,
                        level=level,
                        state="pending_callback",
                        callback_due_at=callback_due(ctx, now),
                        created_at=now,
                        updated_at=now,
                    )
                ).scalar_one()
        except IntegrityError:
            return  # opened by the racing request
        conn.execute(
            STEP.insert().values(
                follow_up_id=fu_id,
                action="open",
                from_state="",
                to_state="pending_callback",
                actor=actor,
                note="",
                occurred_at=now,
            )
        )
        self._event(conn, ctx.id, fu_id, "pending_callback", ticket.window_number, now, actor)

    # --- reading ------------------------------------------------------------------------------
    def _scope(self, principal: Principal) -> None:
        principal.require("clerk", "supervisor", "admin")
        if principal.role == "clerk" and principal.staff_id is None:
            raise Forbidden("follow_up_person_only", "ratings.follow_up_person_only")

    def _query(self, principal: Principal) -> Any:
        q = (
            select(FU, RT.c.tags_json, RT.c.phone, RT.c.rated_at, RT.c.channel, T.c.number, S.c.staff_no, S.c.name)
            .join(RT, RT.c.id == FU.c.rating_id)
            .join(T, T.c.id == FU.c.ticket_id)
            .outerjoin(S, S.c.id == FU.c.staff_id)
            .where(FU.c.hall_id == principal.hall_id)
        )
        if principal.role == "clerk":
            q = q.where(FU.c.staff_id == principal.staff_id)  # 谁办理谁负责: a clerk sees his own
        return q

    def list(self, principal: Principal, state: str | None = None, limit: int = 500) -> dict[str, Any]:
        self._scope(principal)
        if state is not None and state not in QUERY_STATES:
            raise InvalidInput(
                "invalid_follow_up_state", "ratings.invalid_state", state=state, allowed=", ".join(FOLLOW_UP_STATES)
            )
        now = self.s.clock.now()
        q = self._query(principal)
        if state in ("open", "overdue"):
            q = q.where(FU.c.state.in_(OPEN_STATES))
        elif state is not None:
            q = q.where(FU.c.state == state)
        with self.s.db.write() as conn:
            rows = conn.execute(q.order_by(FU.c.callback_due_at, FU.c.id).limit(limit)).all()
            if state == "overdue":
                rows = [r for r in rows if is_overdue(r, now)]
            items = [self._item(r, now) for r in rows]
            self._log_views(conn, principal, [r for r in rows if r.phone], now)
        return {"items": items, "count": len(items)}

    def get(self, principal: Principal, fu_id: int) -> dict[str, Any]:
        self._scope(principal)
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            row = conn.execute(self._query(principal).where(FU.c.id == fu_id)).first()
            if row is None:
                raise NotFound("follow_up_not_found", "ratings.follow_up_not_found", id=fu_id)
            steps = conn.execute(select(STEP).where(STEP.c.follow_up_id == fu_id).order_by(STEP.c.id)).all()
            messages = conn.execute(select(MSG).where(MSG.c.follow_up_id == fu_id).order_by(MSG.c.id)).all()
            if row.phone:
                self._log_views(conn, principal, [row], now)
        item = self._item(row, now)
        item["steps"] = [
            {
                "action": s.action,
                "from": s.from_state,
                "to": s.to_state,
                "actor": s.actor,
                "note": s.note,
                "at": s.occurred_at.isoformat(),
            }
            for s in steps
        ]
        item["messages"] = [
            {"status": m.status, "attempts": m.attempts, "text": m.text, "sent_at": m.sent_at and m.sent_at.isoformat()}
            for m in messages
        ]
        return item

    def _item(self, r: Row[Any], now: datetime) -> dict[str, Any]:
        return {
            "id": r.id,
            "rating_id": r.rating_id,
            "ticket_id": r.ticket_id,
            "number": r.number,
            "window": r.window_number,
            "staff_no": r.staff_no,
            "staff_name": r.name,
            "matter_id": r.matter_id,
            "level": r.level,
            "label": message(f"accounts.rating_{r.level}"),
            # Where the rating came from (pad / serial_pad / link): the page names the opening step by it
            # ("3号窗口评价器"), not by the device token's label ("demo pad 3").
            "channel": r.channel,
            "reasons": json.loads(r.tags_json),
            "phone": r.phone,
            "state": r.state,
            "state_label": message(f"ratings.state_{r.state}"),
            "rated_at": r.rated_at.isoformat(),
            "callback_due_at": r.callback_due_at.isoformat(),
            "called_back_at": r.called_back_at and r.called_back_at.isoformat(),
            "resolution": r.resolution,
            "rectify_due_at": r.rectify_due_at and r.rectify_due_at.isoformat(),
            "feedback": r.feedback,
            "closed_at": r.closed_at and r.closed_at.isoformat(),
            "overdue": is_overdue(r, now),
        }

    def _log_views(self, conn: Connection, principal: Principal, rows: Sequence[Row[Any]], now: datetime) -> None:
        if rows:
            conn.execute(
                VIEW.insert(),
                [
                    {
                        "hall_id": principal.hall_id,
                        "follow_up_id": r.id,
                        "viewer": principal.label[:100],
                        "role": principal.role,
                        "staff_id": principal.staff_id,
                        "viewed_at": now,
                    }
                    for r in rows
                ],
            )

    def alerts(self, principal: Principal) -> dict[str, Any]:
        """For the supervisor view's strip: open follow-ups waiting for a call-back, and overdue ones."""
        now = self.s.clock.now()
        with self.s.db.read() as conn:
            pending = conn.execute(
                select(func.count())
                .select_from(FU)
                .where(FU.c.hall_id == principal.hall_id, FU.c.state == "pending_callback")
            ).scalar_one()
            late_callback = conn.execute(
                select(func.count())
                .select_from(FU)
                .where(
                    FU.c.hall_id == principal.hall_id,
                    FU.c.state == "pending_callback",
                    FU.c.callback_due_at < now,
                )
            ).scalar_one()
            late_rectify = conn.execute(
                select(func.count())
                .select_from(FU)
                .where(
                    FU.c.hall_id == principal.hall_id,
                    FU.c.state == "rectify_deadline",
                    FU.c.rectify_due_at < now,
                )
            ).scalar_one()
        return {"pending_callback": pending, "overdue": late_callback + late_rectify}

    # --- steps --------------------------------------------------------------------------------
    def act(self, principal: Principal, fu_id: int, action: str, data: dict[str, Any]) -> dict[str, Any]:
        self._scope(principal)
        if action not in ACTIONS:
            raise NotFound(
                "follow_up_action_unknown", "ratings.unknown_action", action=action, allowed=", ".join(ACTIONS)
            )
        ctx = self.s.halls.get(principal.hall_id)
        rules = ctx.config.evaluation
        note = data.get("note")
        if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
            raise InvalidInput("field_too_long", field="note", max=MAX_NOTE)
        note = (note or "").strip()
        if action in ("call_back", "rectify_now", "rectify_deadline", "explain", "report_back") and not note:
            raise InvalidInput("follow_up_note_required", f"ratings.note_required_{action}")
        raw_days = data.get("days")
        days: int = rules.rectify_default_days if raw_days is None else -1
        if isinstance(raw_days, int) and not isinstance(raw_days, bool):
            days = raw_days
        if action == "rectify_deadline":
            if not rules.rectify_min_days <= days <= rules.rectify_max_days:
                raise InvalidInput(
                    "rectify_days_out_of_range",
                    "ratings.rectify_days",
                    low=rules.rectify_min_days,
                    high=rules.rectify_max_days,
                )
        feedback = str(data.get("feedback") or "")
        if action == "close" and feedback not in ("satisfied", "unsatisfied"):
            raise InvalidInput("feedback_required", "ratings.feedback_required")
        now = self.s.clock.now()
        allowed_from, target = ACTIONS[action]
        send: list[int] = []
        with self.s.db.write() as conn:
            row = conn.execute(self._query(principal).where(FU.c.id == fu_id)).first()
            if row is None:
                raise NotFound("follow_up_not_found", "ratings.follow_up_not_found", id=fu_id)
            if row.state not in allowed_from:
                raise Conflict(
                    "follow_up_action_not_allowed",
                    "ratings.action_not_allowed",
                    action=message(f"ratings.action_{action}"),
                    state=message(f"ratings.state_{row.state}"),
                )
            changes: dict[str, Any] = {"state": target, "updated_at": now}
            if action == "call_back":
                changes["called_back_at"] = now
            elif action in ("rectify_now", "rectify_deadline", "explain"):
                changes["resolution"] = target
                if action == "rectify_deadline":
                    local_day = now.astimezone(ctx.config.timezone).date()
                    changes["rectify_due_at"] = day_end(ctx, ctx.calendar.add_working_days(local_day, days))
            elif action == "report_back":
                changes["reported_at"] = now
                if row.phone:
                    send.append(self._queue_message(conn, ctx, row, note, now))
            elif action == "close":
                changes["feedback"], changes["closed_at"] = feedback, now
            done = conn.execute(update(FU).where(FU.c.id == fu_id, FU.c.state == row.state).values(**changes))
            if done.rowcount != 1:
                raise Conflict("follow_up_changed", "ratings.follow_up_changed")
            step_note = note if action != "close" else f"{message('ratings.feedback_' + feedback)} {note}".strip()
            if action == "rectify_deadline":
                step_note = f"{step_note}（{days}个工作日）"
            conn.execute(
                STEP.insert().values(
                    follow_up_id=fu_id,
                    action=action,
                    from_state=row.state,
                    to_state=target,
                    actor=principal.label[:100],
                    note=step_note,
                    occurred_at=now,
                )
            )
            self._event(conn, ctx.id, fu_id, target, row.window_number, now, principal.label)
        # Sent after the commit: a slow gateway never holds the database's write lock.
        for message_id in send:
            self._send(message_id)
        return self.get(principal, fu_id)

    def _event(
        self, conn: Connection, hall_id: int, fu_id: int, state: str, window: int | None, now: datetime, actor: str
    ) -> None:
        # No phone, no reasons: the event stream also reaches public devices of the hall.
        append_event(
            self.s.db,
            conn,
            hall_id,
            "follow_up.changed",
            now,
            {"follow_up": {"id": fu_id, "state": state}},
            window_number=window,
            actor=actor[:100],
        )

    # --- the report back to the rater (SMS outbox with retry) --------------------------------
    def _queue_message(self, conn: Connection, ctx: HallContext, row: Row[Any], note: str, now: datetime) -> int:
        text = message(
            "ratings.feedback_sms",
            hall=ctx.config.short_name or ctx.config.name,
            number=row.number,
            result=note[:200],
        )
        return int(
            conn.execute(
                MSG.insert()
                .returning(MSG.c.id)
                .values(
                    hall_id=ctx.id,
                    follow_up_id=row.id,
                    channel=self.notifier.channel,
                    recipient=row.phone,
                    text=text,
                    status="pending",
                    attempts=0,
                    detail="",
                    created_at=now,
                )
            ).scalar_one()
        )

    def _send(self, message_id: int) -> str:
        """One attempt: claim the row (only one sender wins), send, record the outcome."""
        now = self.s.clock.now()
        with self.s.db.write() as conn:
            row = conn.execute(select(MSG).where(MSG.c.id == message_id)).first()
            if row is None or row.status not in ("pending", "queued", "failed") or row.attempts >= MAX_SEND_ATTEMPTS:
                return row.status if row is not None else "missing"
            claimed = conn.execute(
                update(MSG)
                .where(MSG.c.id == message_id, MSG.c.status == row.status, MSG.c.attempts == row.attempts)
                .values(status="sending", attempts=row.attempts + 1)
            )
            if claimed.rowcount != 1:
                return "sending"
        result = self.notifier.send(row.recipient, row.text)
        with self.s.db.write() as conn:
            conn.execute(
                update(MSG)
                .where(MSG.c.id == message_id)
                .values(
                    status=result.status,
                    detail=result.detail[:500],
                    channel=self.notifier.channel,
                    sent_at=now if result.status == "sent" else None,
                )
            )
        return result.status

    def retry_messages(self, limit: int = 50) -> dict[str, int]:
        """Send again what the gateway queued or refused (the hall ticker calls this). Without a
        gateway the outbox only queues, so queued messages wait for one (the window calls instead)."""
        retryable = ("pending", "failed") if self.notifier.channel == "outbox" else ("pending", "queued", "failed")
        with self.s.db.read() as conn:
            ids = list(
                conn.execute(
                    select(MSG.c.id)
                    .where(MSG.c.status.in_(retryable), MSG.c.attempts < MAX_SEND_ATTEMPTS)
                    .order_by(MSG.c.id)
                    .limit(limit)
                ).scalars()
            )
        outcome: dict[str, int] = {}
        for message_id in ids:
            status = self._send(message_id)
            outcome[status] = outcome.get(status, 0) + 1
        return outcome
