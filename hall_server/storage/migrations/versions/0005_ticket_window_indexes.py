"""Indexes for a window's own tickets, so calling stays one seek however long the day's history is.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_tickets_window",
        "tickets",
        ["hall_id", "window_number", "state"],
        sqlite_where=sa.text("window_number IS NOT NULL"),
        postgresql_where=sa.text("window_number IS NOT NULL"),
    )
    op.create_index(
        "ix_tickets_targeted",
        "tickets",
        ["hall_id", "service_date", "state", "target_window", "queued_at"],
        sqlite_where=sa.text("target_window IS NOT NULL"),
        postgresql_where=sa.text("target_window IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_targeted", table_name="tickets")
    op.drop_index("ix_tickets_window", table_name="tickets")
