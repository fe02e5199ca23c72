"""The hall's device fleet: one-time enrolment codes, the devices they enrolled, and which token
reported each peripheral's state.

device_enrolments (new), device_status.token_id (new, nullable: earlier reports name no token).

Revision ID: 0026_device_enrolment
Revises: 0025_booking_confirmation
"""

import sqlalchemy as sa
from alembic import op

from hall_server.storage.types import UTCDateTime

revision = "0026_device_enrolment"
down_revision = "0025_booking_confirmation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("window_number", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("code_expires_at", UTCDateTime(), nullable=False),
        sa.Column("enrolled_at", UTCDateTime(), nullable=True),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"]),
        sa.ForeignKeyConstraint(["token_id"], ["api_tokens.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_device_enrolments_code", "device_enrolments", ["hall_id", "code_hash"], unique=False)
    with op.batch_alter_table("device_status", schema=None) as batch:
        batch.add_column(sa.Column("token_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("device_status", schema=None) as batch:
        batch.drop_column("token_id")
    op.drop_index("ix_device_enrolments_code", table_name="device_enrolments")
    op.drop_table("device_enrolments")
