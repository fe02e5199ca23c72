"""Calls the announcer reported as spoken (call_announcements): 过号 waits until the hall has really
said the number, and two announcers reporting the same call count it once (unique per event).

Self-contained (a new table only).

Revision ID: 0018_call_announcements
Revises: 0017_drop_login_throttle
"""

import sqlalchemy as sa
from alembic import op

from hall_server.storage.types import UTCDateTime

revision = "0018_call_announcements"
down_revision = "0017_drop_login_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_announcements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("announced_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hall_id", "event_id", name="uq_call_announcements_event"),
    )
    with op.batch_alter_table("call_announcements", schema=None) as batch_op:
        batch_op.create_index("ix_call_announcements_ticket", ["ticket_id", "event_id"], unique=False)


def downgrade() -> None:
    op.drop_table("call_announcements")
