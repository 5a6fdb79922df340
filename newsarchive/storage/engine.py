"""Turning a `--db` value into an engine, with SQLite tuned for a crawl's write pattern."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchTableError

from newsarchive.storage.errors import BadArchive, DatabaseError, UnreadableValue
from newsarchive.storage.sqlite_file import read_only_uri

DEFAULT_PATH = Path("data") / "archive.sqlite"
# SQLite's words for a file whose pages or schema cannot be read: a damaged or foreign file.
_DAMAGE_CODES = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_FORMAT"})
_DAMAGE_WORDS = re.compile(
    r"malformed|no such (table|column)|vtable constructor failed|cannot hold BLOB"
)
_NOT_TEXT = re.compile(r"Could not decode to UTF-8 column '([^']{1,64})'")


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
    """One line for a failed `doing` (open, read, upgrade, lock …): the driver's first line,
    without SQL, parameters or the URL's password (some drivers echo their connection string).

    An error that says the archive's own bytes cannot be read is a BadArchive: SQLite finding
    damaged pages, a value that is not what its column holds, a table its schema lacks.
    """
    where = display_url(url)
    damage = _damage(error)
    if damage:
        return BadArchive(f"the archive at {where} is damaged or not an archive: {damage}")
    message = _printable(str(getattr(error, "orig", None) or error).splitlines()[0])
    if url.password:
        message = message.replace(url.password, "***")
    return DatabaseError(f"cannot {doing} the archive at {where}: {message}")


def is_database_error(error: BaseException) -> bool:
    """True for what the database or the conversion of its values raised: the errors `failure`
    describes. A ValueError or TypeError counts only when raised inside SQLAlchemy (a stored
    value its column type cannot read) or as the storage layer's UnreadableValue, never when
    newsarchive's own code raised it."""
    if isinstance(error, DBAPIError | NoSuchTableError | sqlite3.Error | UnreadableValue):
        return True
    if isinstance(error, UnicodeDecodeError | ValueError | TypeError | OverflowError):
        frames = error.__traceback__
        while frames is not None:
            if frames.tb_frame.f_globals.get("__name__", "").startswith("sqlalchemy."):
                return True
            frames = frames.tb_next
    return False


def _damage(error: BaseException) -> str | None:
    """What is damaged, in a few words, when `error` says the archive's content is unreadable."""
    orig = getattr(error, "orig", None) or error
    if isinstance(orig, UnicodeDecodeError):
        # sqlite3 decodes SQLite's own message; a damaged schema puts raw bytes in it.
        return "its schema holds bytes that are not text"
    if isinstance(orig, ValueError | TypeError | OverflowError) and not isinstance(
        orig, sqlite3.Error
    ):
        return f"it holds a value its column cannot hold ({_printable(str(orig))[:80]})"
    if not isinstance(orig, sqlite3.Error):
        return None
    text = str(orig)
    if not_text := _NOT_TEXT.match(text):
        return f"column {not_text.group(1)} holds bytes that are not UTF-8 text"
    if getattr(orig, "sqlite_errorname", None) in _DAMAGE_CODES or _DAMAGE_WORDS.search(text):
        return _printable(text.splitlines()[0])[:120]
    return None


def _printable(text: str) -> str:
    """A message safe for one line of a terminal: control characters shown as `?`."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def make_engine(url: URL, *, read_only: bool = False) -> Engine:
    """An engine; for a SQLite file, WAL mode, foreign keys and a busy timeout on every connection.

    `read_only` engines cannot write: a SQLite file is opened read-only (`mode=ro`, or immutable
    on a read-only mount; see `sqlite_file.read_only_uri`), a PostgreSQL session is read-only.
    """
    try:
        if url.get_backend_name() != "sqlite":
            engine = create_engine(url, pool_pre_ping=True)
            if read_only and url.get_backend_name() == "postgresql":
                event.listen(engine, "connect", _postgresql_read_only)
            return engine
        path = sqlite_path(url)
        if read_only and path:
            uri = read_only_uri(path)
            return create_engine(url, creator=lambda: _sqlite_connect(uri))
        if path:
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


def _sqlite_connect(uri: str) -> sqlite3.Connection:
    # As SQLAlchemy connects to a file: any thread of the pool may use the connection.
    return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)


def read_only_engine(path: Path) -> Engine:
    """An engine that can only read the SQLite file at `path`, opened as `browse`'s Datasette
    opens it (`sqlite_file.read_only_uri`): nothing is written, whatever a query asks."""
    return make_engine(make_url(f"sqlite:///{path.resolve()}"), read_only=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _postgresql_read_only(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    dbapi_connection.commit()  # a SET is undone with the transaction it ran in
