"""Storage: the only package that knows the schema or imports SQLAlchemy."""

from newsarchive.storage.archive import (
    Archive,
    BatchResult,
    SchemaOutdated,
    SchemaTooNew,
    SearchSyntaxError,
    Shortfall,
    Upgrade,
)
from newsarchive.storage.engine import DatabaseError, sqlite_path, warc_directory
from newsarchive.storage.filters import StoryFilter
from newsarchive.storage.lock import ArchiveLocked, lock_archive

__all__ = [
    "Archive",
    "ArchiveLocked",
    "BatchResult",
    "DatabaseError",
    "SchemaOutdated",
    "SchemaTooNew",
    "SearchSyntaxError",
    "Shortfall",
    "StoryFilter",
    "Upgrade",
    "lock_archive",
    "sqlite_path",
    "warc_directory",
]
