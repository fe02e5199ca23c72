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
    # Plain ADD COLUMN (nullable): SQLite's batch mode would recreate the table, and dropping
    # `cases` fails while case_steps and the receipts point at it.
    op.add_column("cases", sa.Column("query_code", sa.String(length=8), nullable=True))
    op.add_column("cases", sa.Column("serving_window", sa.Integer(), nullable=True))
    cases = sa.table("cases", sa.column("id", sa.BigInteger()), sa.column("query_code", sa.String()))
    conn = op.get_bind()
    # Cases opened before this revision get a code too; their notices are reprinted with it.
    for (case_id,) in conn.execute(sa.select(cases.c.id)).all():
        code = "".join(secrets.choice(ALPHABET) for _ in range(6))
        conn.execute(sa.update(cases).where(cases.c.id == case_id).values(query_code=code))

    op.add_column("api_tokens", sa.Column("expires_at", hall_server.storage.models.UTCDateTime(), nullable=True))
    op.add_column("api_tokens", sa.Column("last_used_at", hall_server.storage.models.UTCDateTime(), nullable=True))

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
    # SQLite >= 3.35 drops a column in place (no table rebuild, so the foreign keys stay happy).
    for table, column in (
        ("api_tokens", "last_used_at"),
        ("api_tokens", "expires_at"),
        ("cases", "serving_window"),
        ("cases", "query_code"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
