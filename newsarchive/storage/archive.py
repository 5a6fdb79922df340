"""The archive: opening it at the right schema, and its parts.

with Archive.open(db, create=False) as archive:
    archive.runs      crawl runs: begin, finish, latest, walked, shortfalls …   (runs.py)
    archive.write     storing a crawl's batches, replaying a run                (write.py)
    archive.read      stories, search, a story's history, the lean export rows  (read.py)
    archive.overview  totals and coverage for reports                           (overview.py)
    archive.walks     how start URLs were walked, failed pages, the next run's plan (walks.py)
    archive.feeds     a run's feeds and sitemaps, the stories they list        (feeds.py)
    archive.coverage  how complete each start URL's listing is                 (coverage.py)
    archive.provenance  the WARC record index, web archive captures read       (provenance.py)
    archive.articles  article fetches: storing them, choosing what to fetch     (articles.py)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from newsarchive.storage import migrations, search
from newsarchive.storage.articles import Articles
from newsarchive.storage.checks import Finding, check_archive
from newsarchive.storage.coverage import Coverage
from newsarchive.storage.engine import (
    database_url,
    display_url,
    failure,
    is_database_error,
    make_engine,
    sqlite_path,
)
from newsarchive.storage.errors import BadArchive, DatabaseError, SchemaOutdated, SchemaTooNew
from newsarchive.storage.feeds import Feeds
from newsarchive.storage.lock import archive_lock_key
from newsarchive.storage.overview import Overview
from newsarchive.storage.provenance import ProvenanceIndex
from newsarchive.storage.read import StoryReader
from newsarchive.storage.runs import Runs
from newsarchive.storage.schema import metadata
from newsarchive.storage.sqlite_file import check_file
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
        self.feeds = Feeds(engine)
        self.coverage = Coverage(engine)
        self.provenance = ProvenanceIndex(engine)
        self.articles = Articles(engine)

    @classmethod
    def open(
        cls, target: str | None = None, *, create: bool = True, read_only: bool = False
    ) -> Archive:
        """Open the archive at a file path or SQLAlchemy URL (default `data/archive.sqlite`).

        Without `create`, a SQLite file that does not exist, or a database without an archive,
        is an error rather than a new archive. `read_only` opens it so that nothing can be
        written (what the reading commands use; it also reads archives on read-only media).
        Raises SchemaOutdated for an archive an older version wrote, so nothing touches it
        before `upgrade`, and BadArchive for an empty, foreign or damaged file.
        """
        create = create and not read_only
        archive = cls._connect(target, create=create, read_only=read_only)
        try:
            with archive.engine.begin() as conn:
                revision = archive._revision(conn)
                if revision is None and create:
                    _lock_schema(conn)
                    revision = archive._revision(conn)  # another process may have been first
                if revision is None:
                    archive._adopt(conn, create)
                elif revision != migrations.HEAD:
                    raise archive._version_error(revision)
        except DatabaseError:
            archive.close()
            raise
        except Exception as exc:
            archive.close()
            if not is_database_error(exc):
                raise
            raise failure("open", archive.engine.url, exc) from None
        return archive

    @classmethod
    def upgrade(cls, target: str | None = None, *, backup: bool = True) -> Upgrade:
        """Migrate an archive in place to the current schema; a SQLite file is copied first."""
        with cls._connect(target, create=False) as archive:
            try:
                with archive.engine.connect() as conn:
                    before = archive._revision(conn)
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
                        archive._adopt(conn, create=True)
                    else:
                        migrations.upgrade(conn)
                return Upgrade(before, migrations.HEAD, copy)
            except DatabaseError:
                raise
            except Exception as exc:
                if not is_database_error(exc):
                    raise
                raise failure("upgrade", archive.engine.url, exc) from None

    def check(self) -> list[Finding]:
        """Totals, then every integrity check, in the order `db check` prints them."""
        return check_archive(self.engine, self.location)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        """Close; an error of the database met inside the block leaves it as one line, a
        DatabaseError (a BadArchive when the archive's content cannot be read)."""
        self.close()
        if error is not None and is_database_error(error):
            raise failure("use", self.engine.url, error) from error

    @classmethod
    def _connect(cls, target: str | None, *, create: bool, read_only: bool = False) -> Archive:
        url = database_url(target)
        path = sqlite_path(url)
        if path and path.exists():
            check_file(path)
            if not read_only:
                if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
                    raise DatabaseError(
                        f"the archive at {path} is read-only: its file or folder cannot be written"
                    )
                # SQLite switches a file to WAL on the first connection that may write: look
                # at what the file holds through one that cannot, first.
                peek = cls._connect(target, create=False, read_only=True)
                with peek, peek.engine.connect() as conn:
                    if peek._revision(conn) is None:
                        peek._refuse_foreign(conn)
        elif path and not create:
            raise DatabaseError(f"no archive at {display_url(url)}")
        elif path:
            _new_file(path)
        try:
            engine = make_engine(url, read_only=read_only)
        except (SQLAlchemyError, ImportError) as exc:
            raise DatabaseError(f"cannot use the database {display_url(url)}: {exc}") from None
        return cls(engine, display_url(url))

    def _revision(self, conn: Connection) -> str | None:
        try:
            return migrations.revision(conn)
        except BadArchive as error:
            raise BadArchive(f"the archive at {self.location} is damaged: {error}") from None

    def _adopt(self, conn: Connection, create: bool) -> None:
        """Create the tables in a database that has none of an archive's, when allowed to."""
        self._refuse_foreign(conn)
        if not create:
            raise BadArchive(f"{self.location} holds no archive")
        _create(conn)

    def _refuse_foreign(self, conn: Connection) -> None:
        """A SQLite file belongs to one program: one with tables of its own is no archive."""
        others = conn.dialect.name == "sqlite" and inspect(conn).get_table_names()
        if others:
            listed = ", ".join(sorted(others)[:3]) + (", …" if len(others) > 3 else "")
            raise BadArchive(
                f"{self.location} is a SQLite database of another program (tables {listed}), "
                "not an archive"
            )

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


def _new_file(path: Path) -> None:
    """A new SQLite archive, made beside `path` and linked into place whole: nobody ever sees an
    empty file there (which every command refuses as a lost archive). Of processes creating it
    at once, the first to link wins and the others open its file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.{os.getpid()}.new")
    engine = make_engine(database_url(str(fresh)))
    try:
        with engine.begin() as conn:
            _create(conn)
        engine.dispose()  # the last connection folds the write-ahead log into the file
        _link(fresh, path)
    except SQLAlchemyError as exc:
        raise failure("create", database_url(str(path)), exc) from None
    except OSError as error:
        raise DatabaseError(f"cannot create the archive at {path}: {error.strerror}") from None
    finally:
        engine.dispose()
        for leftover in (fresh, *(fresh.with_name(fresh.name + end) for end in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _link(fresh: Path, path: Path) -> None:
    """Give `fresh` the name `path` unless that exists; a file system without hard links (FAT,
    some network shares) gets a rename, checked first."""
    try:
        os.link(fresh, path)
    except FileExistsError:
        pass
    except OSError:
        if not path.exists():
            os.rename(fresh, path)


def _lock_schema(conn: Connection) -> None:
    """Until this transaction ends, be the only process creating the schema: workers may open a
    new archive at the same moment; one creates it, in one transaction, and the others then
    find it whole."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(*archive_lock_key(_SCHEMA_LOCK))))
    elif conn.dialect.name == "sqlite":
        # The driver would begin only at the first INSERT, after CREATE TABLE ran unguarded.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
