"""Bookings the hall cancels when its calendar changes (status "hall_cancelled").

appointments gains ``cancel_reason``: why the hall cancelled a booking (day_closed,
outside_hours, over_capacity; core/appointment_slots.py), shown to the resident on /book, to
the hotline and at check-in. The status column already holds any short word, so the new status
needs no schema change.

Self-contained (only appointments); if another stream also adds a 0014, re-chain the
down_revision, nothing else depends on the order.

Revision ID: 0014_booking_cancel_reason
Revises: 0013_account_language
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_booking_cancel_reason"
down_revision = "0013_account_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
