"""Tables of hall operations: statistics rollups of closed days, the 带班 roster and
the AB岗 roster. Written by hall_server/services/stats_rollup.py, duty_roster.py, ab_roster.py."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .types import Base, UTCDateTime


class _Figures:
    """Counts and duration histograms (JSON {bucket: count}, see hall_server/core/stats.py)."""

    issued: Mapped[int] = mapped_column(Integer, default=0)
    served: Mapped[int] = mapped_column(Integer, default=0)
    no_show: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    wait_n: Mapped[int] = mapped_column(Integer, default=0)
    wait_sum: Mapped[float] = mapped_column(Float, default=0.0)
    wait_max: Mapped[float] = mapped_column(Float, default=0.0)
    wait_hist: Mapped[str] = mapped_column(Text, default="{}")
    handle_n: Mapped[int] = mapped_column(Integer, default=0)
    handle_sum: Mapped[float] = mapped_column(Float, default=0.0)
    handle_max: Mapped[float] = mapped_column(Float, default=0.0)
    handle_hist: Mapped[str] = mapped_column(Text, default="{}")


class StatsRollup(_Figures, Base):
    """One closed day of one hall, per matter x window x clerk x channel (0 = none)."""

    __tablename__ = "stats_rollup"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    matter_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)


class StatsHourly(_Figures, Base):
    """One closed day of one hall per hour of issue: by hour, day, month, the heatmap and the
    county ranking read these few rows (about 10 a day) instead of the detailed rollup."""

    __tablename__ = "stats_hourly"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)


class StatsDaily(_Figures, Base):
    """One closed day of one hall in one row: days, months and the county ranking merge one
    histogram a day instead of ten (merging them in Python is what a long period costs)."""

    __tablename__ = "stats_daily"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class StatsClosedDay(Base):
    """A day whose rollup is written: statistics read it from the rollups, not the tickets."""

    __tablename__ = "stats_closed_days"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- 带班 roster ---------------------------------------------------------------------------
class DutyLeader(Base):
    __tablename__ = "duty_leaders"
    __table_args__ = (UniqueConstraint("hall_id", "staff_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    title: Mapped[str] = mapped_column(String(50))  # 镇长, 分管副镇长 …
    min_half_days: Mapped[int] = mapped_column(Integer, default=1)  # *local*: half a day a month
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DutyShift(Base):
    """One half-day of 带班: who, whether they checked in, what they noted (问题 / 处理)."""

    __tablename__ = "duty_shifts"
    __table_args__ = (UniqueConstraint("hall_id", "day", "half"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    day: Mapped[date] = mapped_column(Date)
    half: Mapped[str] = mapped_column(String(2))  # am / pm
    leader_id: Mapped[int] = mapped_column(ForeignKey("duty_leaders.id"))
    swapped_from_id: Mapped[int | None] = mapped_column(ForeignKey("duty_leaders.id"))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    problems: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(100), default="")


# --- AB岗 roster ---------------------------------------------------------------------------
class PostPlan(Base):
    """The planned A and B person of a window post."""

    __tablename__ = "post_plans"
    __table_args__ = (UniqueConstraint("hall_id", "window_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    window_number: Mapped[int] = mapped_column(Integer)
    a_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    b_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class StaffLeave(Base):
    __tablename__ = "staff_leave"
    __table_args__ = (UniqueConstraint("hall_id", "staff_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    day: Mapped[date] = mapped_column(Date)


class HandoverNote(Base):
    """Whether a shift of the AB岗 log followed the plan, and the reason when it did not."""

    __tablename__ = "handover_notes"
    shift_id: Mapped[int] = mapped_column(ForeignKey("staff_shifts.id"), primary_key=True)
    planned: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200), default="")
