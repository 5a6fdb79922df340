"""Storage: the only package that knows the schema or imports SQLAlchemy."""

from newsarchive.storage.archive import Archive, BatchResult
from newsarchive.storage.engine import DatabaseError

__all__ = ["Archive", "BatchResult", "DatabaseError"]
