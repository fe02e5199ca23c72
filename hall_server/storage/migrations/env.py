"""Alembic environment: runs on the connection the server hands over (see Database.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from hall_server.storage.schema import metadata

config = context.config
target_metadata = metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` CLI use during development: URL from -x url=...
        url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///dev.db")
        with create_engine(url).begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
