"""The archive: opening it at the right schema, and its parts.

with Archive.open(db, create=False) as archive:
    archive.runs      crawl runs: begin, finish, latest, walked, shortfalls …   (runs.py)
    archive.write     storing a crawl's batches, replaying a run                (write.py)
    archive.read      stories, search, a story's history, the lean export rows  (read.py)
    archive.overview  totals and coverage for reports                           (overview.py)
    archive.walks     how start URLs were walked, failed pages, the next run's plan (walks.py)
    archive.articles  article fetches: storing them, choosing what to fetch     (articles.py)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from newsarchive.storage import migrations, search
from newsarchive.storage.articles import Articles
from newsarchive.storage.checks import Finding, check_archive
from newsarchive.storage.engine import database_url, display_url, failure, make_engine, sqlite_path
from newsarchive.storage.errors import DatabaseError, SchemaOutdated, SchemaTooNew
from newsarchive.storage.lock import archive_lock_key
from newsarchive.storage.overview import Overview
from newsarchive.storage.read import StoryReader
from newsarchive.storage.runs import Runs
from newsarchive.storage.schema import metadata
from newsarchive.storage.walks import Walks
from newsarchive.storage.write import StoryWriter

# PostgreSQL advisory lock key held while creating, stamping or migrating the tables; not the
# crawl lock's key (newsarchive.storage.lock), which a crawl holds while its pipeline opens this.
_SCHEMA_LOCK = 0x6E657778


@dataclass(slots=True)
class Upgrade:
    """What `upgrade` did: the revisions before and after, and where the old archive was kept."""

    before: str | None
    after: str
    backup: Path | None


class Archive:
    """A story archive in any SQLAlchemy database; creates its tables on first use."""

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location  # as shown to people: a file path, or the URL without password
        self.runs = Runs(engine)
        self.write = StoryWriter(engine)
        self.read = StoryReader(engine)
        self.overview = Overview(engine)
        self.walks = Walks(engine)
        self.articles = Articles(engine)

    @classmethod
    def open(cls, target: str | None = None, *, create: bool = True) -> Archive:
        """Open the archive at a file path or SQLAlchemy URL (default `data/archive.sqlite`).

        Without `create`, a SQLite file that does not exist is an error rather than a new
        archive. Raises SchemaOutdated for an archive an older version wrote, so nothing touches
        it before `upgrade`.
        """
        archive = cls._connect(target, create=create)
        try:
            with archive.engine.begin() as conn:
                revision = migrations.revision(conn)
                if revision is None:
                    _lock_schema(conn)
                    revision = migrations.revision(conn)  # another process may have been first
                if revision is None:
                    _create(conn)
                elif revision != migrations.HEAD:
                    raise archive._version_error(revision)
        except SQLAlchemyError as exc:
            archive.close()
            raise failure("open", archive.engine.url, exc) from None
        except DatabaseError:
            archive.close()
            raise
        return archive

    @classmethod
    def upgrade(cls, target: str | None = None, *, backup: bool = True) -> Upgrade:
        """Migrate an archive in place to the current schema; a SQLite file is copied first."""
        with cls._connect(target, create=False) as archive:
            try:
                with archive.engine.connect() as conn:
                    before = migrations.revision(conn)
                if before == migrations.HEAD:
                    return Upgrade(before, before, None)
                if before is not None and before > migrations.HEAD:
                    raise archive._version_error(before)
                copy = archive._backup(before) if backup and before is not None else None
                with archive.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":  # workers may be opening it right now
                        conn.execute(
                            select(func.pg_advisory_xact_lock(*archive_lock_key(_SCHEMA_LOCK)))
                        )
                    if before is None:
                        _create(conn)
                    else:
                        migrations.upgrade(conn)
                return Upgrade(before, migrations.HEAD, copy)
            except SQLAlchemyError as exc:
                raise failure("upgrade", archive.engine.url, exc) from None

    def check(self) -> list[Finding]:
        """Totals, then every integrity check, in the order `db check` prints them."""
        return check_archive(self.engine, self.location)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def _connect(cls, target: str | None, *, create: bool) -> Archive:
        url = database_url(target)
        path = sqlite_path(url)
        if not create and path and not path.exists():
            raise DatabaseError(f"no archive at {display_url(url)}")
        try:
            engine = make_engine(url)
        except (SQLAlchemyError, ImportError) as exc:
            raise DatabaseError(f"cannot use the database {display_url(url)}: {exc}") from None
        return cls(engine, display_url(url))

    def _version_error(self, revision: str) -> DatabaseError:
        if revision > migrations.HEAD:
            return SchemaTooNew(
                f"the archive at {self.location} has schema {revision}, newer than this "
                f"newsarchive ({migrations.HEAD}); upgrade newsarchive"
            )
        return SchemaOutdated(
            f"the archive at {self.location} has schema {revision}, older than "
            f"{migrations.HEAD}: run `newsarchive db upgrade --db {self.location}` first"
        )

    def _backup(self, revision: str) -> Path | None:
        """A consistent copy of a SQLite archive next to it, before migrating it."""
        source = sqlite_path(self.engine.url)
        if source is None:
            return None
        copy = source.with_name(f"{source.stem}.schema-{revision}{source.suffix}")
        number = 1
        while copy.exists():
            number += 1
            copy = source.with_name(f"{source.stem}.schema-{revision}.{number}{source.suffix}")
        with self.engine.connect() as conn:
            conn.exec_driver_sql("VACUUM INTO ?", (str(copy),))
        return copy


def _create(conn: Connection) -> None:
    """The tables and search index of a new archive, at the newest schema."""
    metadata.create_all(conn)
    search.create_index(conn)
    migrations.stamp_head(conn)


def _lock_schema(conn: Connection) -> None:
    """Until this transaction ends, be the only process creating the schema: workers may open a
    new archive at the same moment; one creates it, in one transaction, and the others then
    find it whole."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(*archive_lock_key(_SCHEMA_LOCK))))
    elif conn.dialect.name == "sqlite":
        # The driver would begin only at the first INSERT, after CREATE TABLE ran unguarded.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
