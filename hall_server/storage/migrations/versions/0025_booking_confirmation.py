"""Web and phone bookings hold their seat until the resident enters the SMS code; where a public
booking came from, for the supervisor's hoarding view.

appointments.hold_expires_at, confirm_hash, confirm_tries, booked_from, and a partial index on the
holds still waiting (status 'held'). Existing bookings keep their status (they were made before
the code was asked) and hold nothing.

Self-contained (new nullable or defaulted columns and an index). Chained after 0024 on this branch;
both start from 0017_drop_login_throttle in the series.

Revision ID: 0025_booking_confirmation
Revises: 0024_rating_sources
"""

import sqlalchemy as sa
from alembic import op

from hall_server.storage.types import UTCDateTime

revision = "0025_booking_confirmation"
down_revision = "0024_rating_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch:
        batch.add_column(sa.Column("hold_expires_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("confirm_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("confirm_tries", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("booked_from", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_appointments_held",
        "appointments",
        ["hall_id", "hold_expires_at"],
        unique=False,
        sqlite_where=sa.text("status = 'held'"),
        postgresql_where=sa.text("status = 'held'"),
    )


def downgrade() -> None:
    op.drop_index("ix_appointments_held", table_name="appointments")
    with op.batch_alter_table("appointments", schema=None) as batch:
        batch.drop_column("booked_from")
        batch.drop_column("confirm_tries")
        batch.drop_column("confirm_hash")
        batch.drop_column("hold_expires_at")
