"""One writer per archive: the lock a crawl holds from its first request to its last write.

A SQLite archive is locked with `flock` on `<archive>.lock` beside it; a PostgreSQL archive with a
session advisory lock. Both are released by the operating system or the server when the holding
process dies, so a run still marked `running` while nobody holds the lock was left by a crash.
Readers (export, search, `db check`) never take the lock: WAL gives them a consistent snapshot.
Frontier workers share it (`shared=True`): any number of them write at once, never beside a crawl,
a schema upgrade or a reparse.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from newsarchive.storage.engine import database_url, display_url, failure, make_engine, sqlite_path
from newsarchive.storage.errors import ArchiveLocked, DatabaseError

# The advisory-lock key of a PostgreSQL archive: this fixed number and its schema's name, so
# archives in different schemas of one database (`?options=-csearch_path=…`) lock apart.
ADVISORY_KEY = 0x6E657773  # "news"


@contextmanager
def lock_archive(target: str | None, *, shared: bool = False) -> Iterator[None]:
    """Hold the archive's writer lock for the duration of the block, or raise ArchiveLocked."""
    url = database_url(target)
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        # An in-memory database is private to this process: nothing to share.
        with _file_lock(path, shared) if path else nullcontext():
            yield
    elif url.get_backend_name() == "postgresql":
        with _advisory_lock(url, shared):
            yield
    else:
        raise DatabaseError(f"no crawl lock for {url.get_backend_name()} archives")


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def is_locked(target: str | None) -> bool:
    """True when a crawl holds the lock of this SQLite archive right now."""
    database = sqlite_path(target)
    if database is None:
        return False
    path = lock_path(database)
    if not path.exists():
        return False
    with path.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


@contextmanager
def _file_lock(database: Path, shared: bool) -> Iterator[None]:
    path = lock_path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Never truncate before holding the lock: the holder's pid is in there.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise DatabaseError(f"cannot lock the archive at {database}: {error.strerror}") from None
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            raise ArchiveLocked(_locked_message(str(database), holder)) from None
        if not shared:  # shared holders are many: only a sole holder names itself
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {_now()}\n".encode(), 0)
        try:
            yield
        finally:
            if not shared:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _advisory_lock(url: URL, shared: bool) -> Iterator[None]:
    engine = make_engine(url)
    take = func.pg_try_advisory_lock_shared if shared else func.pg_try_advisory_lock
    try:
        try:
            conn = engine.connect()
            held = conn.execute(select(take(*archive_lock_key()))).scalar()
        except SQLAlchemyError as exc:
            raise failure("lock", url, exc) from None
        try:
            if not held:
                raise ArchiveLocked(_locked_message(display_url(url), ""))
            yield
        finally:
            conn.close()
    finally:
        engine.dispose()  # ends the session, which releases a session-level advisory lock


def archive_lock_key(key: int = ADVISORY_KEY) -> tuple:
    """The two-part advisory lock key of the archive in the connection's schema."""
    return key, func.hashtext(func.current_schema())


def _locked_message(location: str, holder: str) -> str:
    who = f" ({holder})" if holder else ""
    return f"another crawl is writing to {location}{who}; try again when it has finished"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
