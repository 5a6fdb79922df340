"""Turning a `--db` value into an engine, with SQLite tuned for a crawl's write pattern."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from newsarchive.storage.errors import DatabaseError

DEFAULT_PATH = Path("data") / "archive.sqlite"


def database_url(target: str | None) -> URL:
    """A SQLAlchemy URL from a file path or a URL; None means $NEWSARCHIVE_DB, else the default."""
    if not target:
        target = os.environ.get("NEWSARCHIVE_DB") or str(DEFAULT_PATH)
    if "://" not in target:
        return URL.create("sqlite", database=str(Path(target).expanduser().resolve()))
    try:
        return make_url(target)
    except (ArgumentError, ValueError):
        # The message would repeat the URL, password included.
        raise DatabaseError(
            "not a valid database URL (expected a file path or a SQLAlchemy URL)"
        ) from None


def sqlite_path(target: str | URL | None) -> Path | None:
    """The file of a SQLite archive (absolute), or None for a server database or `:memory:`."""
    url = target if isinstance(target, URL) else database_url(target)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def warc_directory(target: str | None) -> Path:
    """Where a run's WARC files go by default: `warc/` beside a SQLite archive file (so
    `data/warc/` for the default archive), else `data/warc/`."""
    path = sqlite_path(target)
    return path.parent / "warc" if path else (DEFAULT_PATH.parent / "warc").resolve()


def display_url(url: URL) -> str:
    """The URL as shown to people: a plain path for SQLite files, never a password."""
    path = sqlite_path(url)
    return str(path) if path else url.render_as_string(hide_password=True)


def failure(doing: str, url: URL, error: BaseException) -> DatabaseError:
    """One line for a failed `doing` (open, upgrade, lock …): the driver's first line, without
    SQL, parameters or the URL's password (some drivers echo their connection string)."""
    message = str(getattr(error, "orig", None) or error).splitlines()[0]
    if url.password:
        message = message.replace(url.password, "***")
    return DatabaseError(f"cannot {doing} the archive at {display_url(url)}: {message}")


def make_engine(url: URL) -> Engine:
    """An engine; for a SQLite file, WAL mode, foreign keys and a busy timeout on every connection."""
    try:
        if url.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True)
        if path := sqlite_path(url):
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
    except ImportError as exc:
        raise failure(
            "open", url, ImportError(f"its database driver is not installed ({exc})")
        ) from None
    except ArgumentError as exc:
        raise failure("open", url, exc) from None
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def read_only_engine(path: Path) -> Engine:
    """An engine that can only read the SQLite file at `path`, opened immutable as `browse`'s
    Datasette opens it: no journal, no lock, no write, whatever a query asks."""
    return create_engine(f"sqlite:///file:{path.resolve()}?immutable=1&uri=true")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
