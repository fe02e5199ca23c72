"""节假日受理 duty days in the calendar.

calendar_overrides gains kind "duty": a rest day on which the hall serves its own hours
(``hours`` "09:00-11:30,14:00-16:00"), at its own windows (``windows`` "1,2"), appointment-only
or not. The service checks the values (core/duty_days.py) before writing them.

Self-contained (only calendar_overrides); if another stream also adds a 0012, re-chain the
down_revision, nothing else depends on the order.

Revision ID: 0012_duty_days
Revises: 0011_appointments
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_duty_days"
down_revision = "0011_appointments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_overrides", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("windows", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("appointment_only", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # Older code knows only workday/holiday and would refuse to load a duty row.
    op.execute(sa.text("DELETE FROM calendar_overrides WHERE kind = 'duty'"))
    with op.batch_alter_table("calendar_overrides", schema=None) as batch_op:
        batch_op.drop_column("appointment_only")
        batch_op.drop_column("windows")
        batch_op.drop_column("hours")
