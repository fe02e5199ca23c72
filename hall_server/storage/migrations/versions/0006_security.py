"""Security: case query codes, the log of staff reads of personal data, person-token expiry.

Revision ID: 0006_security
Revises: 0005
Create Date: 2026-12-02
"""

import secrets

import sqlalchemy as sa
from alembic import op

import hall_server.storage.models

revision = "0006_security"
down_revision = "0005"
branch_labels = None
depends_on = None

# Same alphabet as hall_server.core.cases.QUERY_CODE_ALPHABET (digits a resident types on the kiosk).
ALPHABET = "0123456789"


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("query_code", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("serving_window", sa.Integer(), nullable=True))
    cases = sa.table("cases", sa.column("id", sa.BigInteger()), sa.column("query_code", sa.String()))
    conn = op.get_bind()
    # Cases opened before this revision get a code too; their notices are reprinted with it.
    for (case_id,) in conn.execute(sa.select(cases.c.id)).all():
        code = "".join(secrets.choice(ALPHABET) for _ in range(6))
        conn.execute(sa.update(cases).where(cases.c.id == case_id).values(query_code=code))

    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", hall_server.storage.models.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("last_used_at", hall_server.storage.models.UTCDateTime(), nullable=True))

    op.create_table(
        "case_access_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False, autoincrement=True),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_no", sa.String(length=16), nullable=False),
        sa.Column("at", hall_server.storage.models.UTCDateTime(), nullable=False),
        sa.Column("what", sa.String(length=24), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("window_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_access_log_at", "case_access_log", ["hall_id", "at"])
    op.create_index("ix_case_access_log_case", "case_access_log", ["case_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_case_access_log_case", table_name="case_access_log")
    op.drop_index("ix_case_access_log_at", table_name="case_access_log")
    op.drop_table("case_access_log")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("serving_window")
        batch.drop_column("query_code")
