"""Statistics rollups of closed days, the 带班 roster and the AB岗 roster.

Revision ID: 0010_rosters_stats
Revises: 0009_follow_ups
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from hall_server.storage.models import UTCDateTime

revision = "0010_rosters_stats"
down_revision = "0009_follow_ups"
branch_labels = None
depends_on = None


def _figures() -> list[sa.Column]:
    ints = ("issued", "served", "no_show", "cancelled", "wait_n")
    return [
        *(sa.Column(name, sa.Integer(), nullable=False) for name in ints),
        sa.Column("wait_sum", sa.Float(), nullable=False),
        sa.Column("wait_max", sa.Float(), nullable=False),
        sa.Column("wait_hist", sa.Text(), nullable=False),
        sa.Column("handle_n", sa.Integer(), nullable=False),
        sa.Column("handle_sum", sa.Float(), nullable=False),
        sa.Column("handle_max", sa.Float(), nullable=False),
        sa.Column("handle_hist", sa.Text(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "stats_rollup",
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("matter_key", sa.Integer(), primary_key=True),
        sa.Column("window_number", sa.Integer(), primary_key=True),
        sa.Column("staff_key", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        *_figures(),
    )
    op.create_table(
        "stats_hourly",
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("hour", sa.Integer(), primary_key=True),
        *_figures(),
    )
    op.create_table(
        "stats_daily",
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        *_figures(),
    )
    op.create_table(
        "stats_closed_days",
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "duty_leaders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("title", sa.String(50), nullable=False),
        sa.Column("min_half_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("hall_id", "staff_id"),
    )
    op.create_table(
        "duty_shifts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("half", sa.String(2), nullable=False),
        sa.Column("leader_id", sa.Integer(), sa.ForeignKey("duty_leaders.id"), nullable=False),
        sa.Column("swapped_from_id", sa.Integer(), sa.ForeignKey("duty_leaders.id"), nullable=True),
        sa.Column("checked_in_at", UTCDateTime(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("hall_id", "day", "half"),
    )
    op.create_table(
        "post_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), nullable=False),
        sa.Column("window_number", sa.Integer(), nullable=False),
        sa.Column("a_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("b_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.UniqueConstraint("hall_id", "window_number"),
    )
    op.create_table(
        "staff_leave",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.UniqueConstraint("hall_id", "staff_id", "day"),
    )
    op.create_table(
        "handover_notes",
        sa.Column("shift_id", sa.Integer(), sa.ForeignKey("staff_shifts.id"), primary_key=True),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for name in (
        "handover_notes",
        "staff_leave",
        "post_plans",
        "duty_shifts",
        "duty_leaders",
        "stats_closed_days",
        "stats_daily",
        "stats_hourly",
        "stats_rollup",
    ):
        op.drop_table(name)
