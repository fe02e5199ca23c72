"""Appointment capacity and exactly-once check-in.

- appointment_slot_seats: the seats taken per slot, raised only while below the slot's seats;
- tickets.appointment_id unique: one ticket per appointment whatever races;
- tickets.case_id and owner_window: the return lane (补交材料 / 领取结果);
- appointments.phone_hash: keyed hash of the phone (bookings and 爽约 per resident);
- appointments.reminded_*_at: each reminder queued once;
- appointments.visit_*: 预约上门 reason, visiting staff, outcome (case opened or why not);
- case_notifications serves appointments too (case_id optional, appointment_id) and keeps the
  retries of failed sends (attempts, next_attempt_at).

Revision ID: 0011_appointments
Revises: 0010_rosters_stats
"""

import sqlalchemy as sa
from alembic import op

from hall_server.storage.types import UTCDateTime

revision = "0011_appointments"
down_revision = "0010_rosters_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointment_slot_seats",
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", UTCDateTime(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.CheckConstraint("taken >= 0", name="ck_slot_seats_taken"),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"]),
        sa.PrimaryKeyConstraint("hall_id", "slot_start"),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("uq_tickets_appointment", ["appointment_id"], unique=True)
        batch_op.add_column(sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True))
        batch_op.add_column(sa.Column("owner_window", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_tickets_case", "cases", ["case_id"], ["id"])
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reminded_day_before_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("reminded_soon_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("visit_reason", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("visit_staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("visit_case_no", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("visit_note", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key("fk_appointments_visit_staff", "staff", ["visit_staff_id"], ["id"])
        batch_op.create_index("ix_appointments_phone_hash", ["phone_hash"], unique=False)
    with op.batch_alter_table("case_notifications", schema=None) as batch_op:
        batch_op.alter_column(
            "case_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        )
        batch_op.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("next_attempt_at", UTCDateTime(), nullable=True))
        batch_op.create_index("ix_case_notifications_appointment_id", ["appointment_id"], unique=False)
        batch_op.create_foreign_key("fk_case_notifications_appointment", "appointments", ["appointment_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("case_notifications", schema=None) as batch_op:
        batch_op.drop_constraint("fk_case_notifications_appointment", type_="foreignkey")
        batch_op.drop_index("ix_case_notifications_appointment_id")
        batch_op.drop_column("appointment_id")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.alter_column(
            "case_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_phone_hash")
        batch_op.drop_column("phone_hash")
        batch_op.drop_column("reminded_soon_at")
        batch_op.drop_constraint("fk_appointments_visit_staff", type_="foreignkey")
        batch_op.drop_column("visit_note")
        batch_op.drop_column("visit_case_no")
        batch_op.drop_column("visit_staff_id")
        batch_op.drop_column("visit_reason")
        batch_op.drop_column("reminded_day_before_at")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint("fk_tickets_case", type_="foreignkey")
        batch_op.drop_column("owner_window")
        batch_op.drop_column("case_id")
        batch_op.drop_index("uq_tickets_appointment")
    op.drop_table("appointment_slot_seats")
