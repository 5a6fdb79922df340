"""Schema versions: which revision an archive is at, and upgrading it in place with Alembic.

Alembic is imported only to create or upgrade an archive; checking the version of an archive
on every open is one query on the `alembic_version` table Alembic keeps.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Connection, inspect, text

from newsarchive.storage.errors import BadArchive

# The newest revision in versions/; a test keeps it equal to Alembic's head.
HEAD = "0010"
# Revision ids are four digits; a later newsarchive's ids sort after HEAD.
REVISION = re.compile(r"\d{4}")
KNOWN = frozenset(
    script.name[:4]
    for script in (Path(__file__).parent / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
)
# Archives written before migrations existed: the foundation tables, no version table.
BASELINE = "0001"
SCRIPT_LOCATION = "newsarchive.storage:migrations"


def revision(conn: Connection) -> str | None:
    """The archive's schema revision; None for a database without an archive's tables.

    Raises BadArchive for a version table that names no revision, several, or one that is no
    revision id at all: such an archive is damaged, and neither reading nor migrating it is safe.
    """
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables:
        return BASELINE if "stories" in tables else None
    found = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    problem = None
    if not found:
        problem = "its schema version table (alembic_version) is empty"
    elif len(found) > 1:
        problem = f"its schema version table (alembic_version) holds {len(found)} versions"
    elif not isinstance(found[0], str) or not REVISION.fullmatch(found[0]):
        problem = "its schema version table (alembic_version) holds no revision id"
    elif found[0] <= HEAD and found[0] not in KNOWN:
        problem = f"its schema version {found[0]} was never a newsarchive schema"
    if problem:
        raise BadArchive(problem)
    return found[0]


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
