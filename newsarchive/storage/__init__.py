"""Storage: the only package that knows the schema or imports SQLAlchemy.

`Archive.open(db)` gives the archive, in parts: `runs`, `write`, `read` and `overview`. The
errors and `StoryFilter` are light; every other name is imported on first use, so a command
can name them (to catch an error, to parse options) without loading SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from newsarchive.storage.errors import (
    ArchiveLocked,
    BadArchive,
    DatabaseError,
    SchemaOutdated,
    SchemaTooNew,
    SearchSyntaxError,
)
from newsarchive.storage.selection import Cells, StoryFilter

if TYPE_CHECKING:
    from newsarchive.storage.archive import Archive, Upgrade
    from newsarchive.storage.articles import ArticleResult, Due
    from newsarchive.storage.engine import sqlite_path, warc_directory
    from newsarchive.storage.lock import lock_archive
    from newsarchive.storage.runs import Shortfall
    from newsarchive.storage.write import BatchResult

# Names imported on first use, and the module that holds each.
_LAZY = {
    "Archive": "archive",
    "Upgrade": "archive",
    "ArticleResult": "articles",
    "Due": "articles",
    "BatchResult": "write",
    "Shortfall": "runs",
    "lock_archive": "lock",
    "sqlite_path": "engine",
    "warc_directory": "engine",
}

__all__ = [
    "Archive",
    "ArchiveLocked",
    "ArticleResult",
    "BadArchive",
    "BatchResult",
    "Cells",
    "DatabaseError",
    "Due",
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


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
