"""ID-number hashes become keyed (HMAC-SHA256 with the secret kept outside the database).

The stored unkeyed digests are re-keyed in place: the new hash is the HMAC of the old digest
(hall_server/core/identity.py), so no ID number is needed. The secret comes from the server
(Database.migrate); a database with hashes to re-key and no secret stops with a clear message.

Revision ID: 0007_keyed_id_hash
Revises: 0006_security
"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import context, op

from hall_common.i18n import message

revision = "0007_keyed_id_hash"
down_revision = "0006_security"
branch_labels = None
depends_on = None

COLUMNS = (("appointments", "id_number_hash"), ("cases", "applicant_id_hash"))


def upgrade() -> None:
    conn = op.get_bind()
    secret = context.config.attributes.get("id_secret")
    for table, column in COLUMNS:
        rows = conn.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")).all()
        if rows and not secret:
            raise RuntimeError(message("server.id_secret_missing"))
        for row_id, unkeyed in rows:
            # Frozen here (not imported) so later changes to the hash cannot change this step.
            keyed = hmac.new(secret, unkeyed.encode(), hashlib.sha256).hexdigest()
            conn.execute(sa.text(f"UPDATE {table} SET {column} = :h WHERE id = :id"), {"h": keyed, "id": row_id})


def downgrade() -> None:
    # A keyed hash cannot be turned back into the unkeyed one: with stored hashes, restore the
    # backup instead. Without any (a fresh or test database) there is nothing to undo.
    conn = op.get_bind()
    for table, column in COLUMNS:
        if conn.execute(sa.text(f"SELECT 1 FROM {table} WHERE {column} IS NOT NULL LIMIT 1")).first():
            raise NotImplementedError("0007_keyed_id_hash cannot be downgraded once ID numbers are stored")
