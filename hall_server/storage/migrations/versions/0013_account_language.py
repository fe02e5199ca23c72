"""A staff member's own page language: staff pages after sign-in speak it; public
devices never read it. Existing accounts stay Chinese.

Revision ID: 0013_account_language
Revises: 0012_duty_days
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_account_language"
down_revision = "0012_duty_days"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="zh_CN"))
        batch_op.create_check_constraint("ck_staff_language", "language IN ('zh_CN', 'en')")


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint("ck_staff_language", type_="check")
        batch_op.drop_column("language")
