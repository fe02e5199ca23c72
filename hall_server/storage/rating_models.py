"""好差评 closed loop: follow-ups of 差评 (回访 → 核实 → 整改 → 反馈 → 办结), their steps, every view of a
rater's phone number, appeals against a rating (申诉复核), and the outbox of messages to raters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .types import Base, BigId, UTCDateTime

FOLLOW_UP_STATES = (
    "pending_callback",  # 待回访
    "verifying",  # 核实中
    "rectify_now",  # 立行立改
    "rectify_deadline",  # 限期整改
    "explained",  # 解释说明
    "awaiting_feedback",  # 待反馈
    "closed",  # 已办结
)


class FollowUp(Base):
    """One per 差评 (the unique rating_id keeps it so even when two requests race)."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("rating_id"),
        # The 待回访 list and the overdue strip read open follow-ups of one hall.
        Index("ix_follow_ups_hall_state", "hall_id", "state", "callback_due_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    rating_id: Mapped[int] = mapped_column(BigId)
    ticket_id: Mapped[int] = mapped_column(BigId)
    window_number: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    matter_id: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    callback_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(20))  # rectify_now / rectify_deadline / explained
    rectify_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback: Mapped[str | None] = mapped_column(String(16))  # satisfied / unsatisfied
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUpStep(Base):
    """What was done, by whom and when: the follow-up's own history."""

    __tablename__ = "follow_up_steps"
    __table_args__ = (Index("ix_follow_up_steps", "follow_up_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(BigId, ForeignKey("follow_ups.id"))
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PhoneView(Base):
    """Every time staff were shown a rater's full phone number (who, when, which follow-up)."""

    __tablename__ = "rating_phone_views"
    __table_args__ = (Index("ix_rating_phone_views", "hall_id", "viewed_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    follow_up_id: Mapped[int] = mapped_column(BigId)
    viewer: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(Integer)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RatingAppeal(Base):
    """申诉复核: at most one appeal per rating; an upheld one takes the rating out of the figures."""

    __tablename__ = "rating_appeals"
    __table_args__ = (UniqueConstraint("rating_id"), Index("ix_rating_appeals_hall", "hall_id", "state"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    rating_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(20))  # mistaken / malicious / not_this_service
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # pending / upheld / rejected
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")


class RatingMessage(Base):
    """Outbox of messages to raters (the follow-up's report back). Stored first, sent after the
    commit, retried while queued or failed; ``attempts`` and the claim on ``status`` keep it sent once."""

    __tablename__ = "rating_messages"
    __table_args__ = (Index("ix_rating_messages_status", "status", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    follow_up_id: Mapped[int] = mapped_column(BigId)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending / sending / sent / queued / failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
