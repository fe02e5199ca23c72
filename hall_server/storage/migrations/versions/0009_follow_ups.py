"""好差评 closed loop: follow-ups, their steps, phone-view log, appeals, rater outbox; ratings
learn defaulted/counted, rating links who created them.

Revision ID: 0009_follow_ups
Revises: 0007_keyed_id_hash
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import hall_server.storage.models

revision = "0009_follow_ups"
down_revision = "0007_keyed_id_hash"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = hall_server.storage.models.UTCDateTime


def upgrade() -> None:
    op.add_column("ratings", sa.Column("defaulted", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("ratings", sa.Column("counted", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column("rating_links", sa.Column("created_by", sa.String(100), server_default="", nullable=False))
    # Figures read a hall's finished services and their ratings from these indexes alone (PostgreSQL).
    op.create_index(
        "ix_tickets_finished",
        "tickets",
        ["hall_id", "service_date"],
        sqlite_where=sa.text("state = 'finished'"),
        postgresql_where=sa.text("state = 'finished'"),
        postgresql_include=["id", "window_number", "staff_id", "matter_id", "finished_at"],
    )
    op.create_index(
        "ix_ratings_figures",
        "ratings",
        ["hall_id", "ticket_id"],
        postgresql_include=["id", "level", "counted", "defaulted", "rated_at"],
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", Id, primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), nullable=False),
        sa.Column("rating_id", Id, nullable=False),
        sa.Column("ticket_id", Id, nullable=False),
        sa.Column("window_number", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("callback_due_at", When(), nullable=False),
        sa.Column("called_back_at", When(), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=True),
        sa.Column("rectify_due_at", When(), nullable=True),
        sa.Column("reported_at", When(), nullable=True),
        sa.Column("feedback", sa.String(16), nullable=True),
        sa.Column("closed_at", When(), nullable=True),
        sa.Column("created_at", When(), nullable=False),
        sa.Column("updated_at", When(), nullable=False),
        sa.UniqueConstraint("rating_id"),
    )
    op.create_index("ix_follow_ups_hall_state", "follow_ups", ["hall_id", "state", "callback_due_at"])
    op.create_table(
        "follow_up_steps",
        sa.Column("id", Id, primary_key=True),
        sa.Column("follow_up_id", Id, sa.ForeignKey("follow_ups.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_state", sa.String(20), nullable=False),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("occurred_at", When(), nullable=False),
    )
    op.create_index("ix_follow_up_steps", "follow_up_steps", ["follow_up_id", "id"])
    op.create_table(
        "rating_phone_views",
        sa.Column("id", Id, primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), nullable=False),
        sa.Column("follow_up_id", Id, nullable=False),
        sa.Column("viewer", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("viewed_at", When(), nullable=False),
    )
    op.create_index("ix_rating_phone_views", "rating_phone_views", ["hall_id", "viewed_at"])
    op.create_table(
        "rating_appeals",
        sa.Column("id", Id, primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), nullable=False),
        sa.Column("rating_id", Id, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("filed_by", sa.String(100), nullable=False),
        sa.Column("filed_at", When(), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", When(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.UniqueConstraint("rating_id"),
    )
    op.create_index("ix_rating_appeals_hall", "rating_appeals", ["hall_id", "state"])
    op.create_table(
        "rating_messages",
        sa.Column("id", Id, primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("halls.id"), nullable=False),
        sa.Column("follow_up_id", Id, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.Column("sent_at", When(), nullable=True),
    )
    op.create_index("ix_rating_messages_status", "rating_messages", ["status", "id"])


def downgrade() -> None:
    for table in ("rating_messages", "rating_appeals", "rating_phone_views", "follow_up_steps", "follow_ups"):
        op.drop_table(table)
    op.drop_index("ix_ratings_figures", table_name="ratings")
    op.drop_index("ix_tickets_finished", table_name="tickets")
    with op.batch_alter_table("rating_links") as batch:
        batch.drop_column("created_by")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_column("counted")
        batch.drop_column("defaulted")
