"""What the storage layer raises, kept free of SQLAlchemy so a command can name it before (or
without) opening an archive: the command line turns each into one line and an exit status."""

from __future__ import annotations


class DatabaseError(Exception):
    """A database location that cannot be used; the message is safe to show (no password)."""


class BadArchive(DatabaseError):
    """A file or database that is no readable archive: empty, another program's, or damaged
    (its bytes, its tables or its schema version cannot be read). Nothing was written to it."""


class UnreadableValue(ValueError):
    """A stored value that is not what its column holds (random bytes over a date-time, say)."""


class SchemaOutdated(DatabaseError):
    """The archive was written with an older schema; `newsarchive db upgrade` migrates it."""


class SchemaTooNew(DatabaseError):
    """The archive was written by a newer newsarchive than this one."""


class SearchSyntaxError(ValueError):
    """A search query the full-text engine cannot parse; the message says why."""


class ArchiveLocked(Exception):
    """Another process is crawling into the same archive; the message says which, if known."""
