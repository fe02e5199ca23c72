"""Migration tests: take a hall's database back to an earlier revision (Database.migrate() brings it up again)."""

from __future__ import annotations

from alembic import command

from hall_server.storage.database import Database, alembic_config


def downgrade(db: Database, revision: str) -> None:
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
