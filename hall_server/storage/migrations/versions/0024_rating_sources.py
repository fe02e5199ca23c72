"""Who issued a ticket, and ratings of staff-issued tickets counted apart.

tickets.issued_by_role: "kiosk" when the resident took the number (and holds the slip's key), a staff
role when a clerk issued it for someone; "" for the tickets issued before (they keep counting as
before). ratings.assisted: the rated service's ticket was issued by staff.

Self-contained (two new columns with server defaults).

Revision ID: 0024_rating_sources
Revises: 0018_call_announcements
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_rating_sources"
down_revision = "0018_call_announcements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch:
        batch.add_column(sa.Column("issued_by_role", sa.String(length=16), server_default="", nullable=False))
    with op.batch_alter_table("ratings", schema=None) as batch:
        batch.add_column(sa.Column("assisted", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch:
        batch.drop_column("assisted")
    with op.batch_alter_table("tickets", schema=None) as batch:
        batch.drop_column("issued_by_role")
