"""Alembic environment: migrations run on the connection `newsarchive.storage.migrations` passes."""

from alembic import context

from newsarchive.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
