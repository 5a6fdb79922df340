"""Schema versions: which revision an archive is at, and upgrading it in place with Alembic.

Alembic is imported only to create or upgrade an archive; checking the version of an archive
on every open is one query on the `alembic_version` table Alembic keeps.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

# The newest revision in versions/; a test keeps it equal to Alembic's head.
HEAD = "0010"
# Archives written before migrations existed: the foundation tables, no version table.
BASELINE = "0001"
SCRIPT_LOCATION = "newsarchive.storage:migrations"


def revision(conn: Connection) -> str | None:
    """The archive's schema revision; None for an empty database."""
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return BASELINE if "stories" in tables else None


def stamp_head(conn: Connection) -> None:
    """Record that a freshly created archive is at the newest revision."""
    from alembic.migration import MigrationContext

    MigrationContext.configure(conn).stamp(_scripts(), "head")


def upgrade(conn: Connection, to: str = HEAD) -> tuple[str | None, str]:
    """Migrate the archive on `conn` to revision `to` (the newest); returns (from, to)."""
    from alembic import command

    before = revision(conn)
    config = _config()
    config.attributes["connection"] = conn
    if before == BASELINE and "alembic_version" not in inspect(conn).get_table_names():
        command.stamp(config, BASELINE)
    command.upgrade(config, to)
    return before, to


def _config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def _scripts():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())
