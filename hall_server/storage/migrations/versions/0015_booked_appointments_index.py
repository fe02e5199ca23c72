"""An index of the bookings still holding a seat, by hall and slot start.

The supervisor's GET /hall and the daily check look for the bookings the current hall file and
calendar leave without a seat (services/stranded_bookings.py): the rows with status "booked" from
today on. Without it that is a scan of every booking the hall ever took: with 100 000 past rows
on SQLite a supervisor's GET /hall took 60-170 ms, with it 6 ms (the boards' day summary, which
reads the day's bookings, went from 28-47 ms to 3-5 ms too). Partial, so it holds only the few
live bookings.

Revision ID: 0015_booked_appointments_index
Revises: 0014_booking_cancel_reason
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_booked_appointments_index"
down_revision = "0014_booking_cancel_reason"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_appointments_booked",
        "appointments",
        ["hall_id", "slot_start"],
        sqlite_where=sa.text("status = 'booked'"),
        postgresql_where=sa.text("status = 'booked'"),
    )


def downgrade() -> None:
    op.drop_index("ix_appointments_booked", table_name="appointments")
