"""Guess limits in the database (guess_hits): the tries at appointment codes, case query codes
and phone tails are counted where every server process sees them, and survive a restart.

Self-contained (a new table only).

Revision ID: 0016_guess_hits
Revises: 0015_booked_appointments_index
"""

import sqlalchemy as sa
from alembic import op

from hall_server.storage.types import UTCDateTime

revision = "0016_guess_hits"
down_revision = "0015_booked_appointments_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guess_hits",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guess_hits", schema=None) as batch_op:
        batch_op.create_index("ix_guess_hits_key", ["scope", "key", "expires_at"], unique=False)
        batch_op.create_index("ix_guess_hits_expires", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_table("guess_hits")
