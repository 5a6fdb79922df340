"""Storage: the only package that knows the schema or imports SQLAlchemy."""

from newsarchive.storage.archive import Archive, BatchResult
from newsarchive.storage.engine import DatabaseError
from newsarchive.storage.lock import ArchiveLocked, lock_archive

__all__ = ["Archive", "ArchiveLocked", "BatchResult", "DatabaseError", "lock_archive"]
