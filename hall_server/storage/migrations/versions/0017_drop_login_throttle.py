"""Drop login_throttle: wrong passwords are counted per (address, staff number) in guess_hits
since 0016 (storage/guess_limits.py); nothing reads or writes the old per-account table, whose
lock anyone could set for any clerk. Its rows are counts of old failures only, so nothing is lost.

Revision ID: 0017_drop_login_throttle
Revises: 0016_guess_hits
"""

import sqlalchemy as sa
from alembic import op

from hall_server.storage.types import UTCDateTime

revision = "0017_drop_login_throttle"
down_revision = "0016_guess_hits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("login_throttle")


def downgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", UTCDateTime(), nullable=True),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hall_id", "staff_no"),
    )
