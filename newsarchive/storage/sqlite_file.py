"""A SQLite archive file looked at before SQLite opens it, and opened read-only.

Light (no SQLAlchemy), so the browser can use it too. SQLite would turn an empty file into a
new database on its first write, and names a foreign file only when a query fails; these
checks name the problem first, without writing a byte.
"""

from __future__ import annotations

import os
from pathlib import Path

from newsarchive.storage.errors import BadArchive

# The first 16 bytes of every SQLite 3 database file (https://sqlite.org/fileformat.html).
HEADER = b"SQLite format 3\x00"


def check_file(path: Path) -> None:
    """Raise BadArchive when the existing file at `path` cannot be a SQLite archive.

    A file of 0 bytes is one only while its write-ahead log holds its first pages (a crawl
    killed at its very start); otherwise it is what is left of a lost archive, and a crawl must
    not quietly start a new one in its place.
    """
    try:
        with path.open("rb") as stream:
            start = stream.read(len(HEADER))
    except IsADirectoryError:
        raise BadArchive(f"{path} is a directory, not an archive file") from None
    except OSError as error:
        raise BadArchive(f"cannot read {path}: {error.strerror}") from None
    if not start:
        wal = path.with_name(path.name + "-wal")
        if wal.is_file() and wal.stat().st_size:
            return
        raise BadArchive(f"{path} is an empty file, not an archive (remove it to start a new one)")
    if start != HEADER:
        raise BadArchive(f"{path} is not a SQLite database, so not an archive")


def read_only_uri(path: Path) -> str:
    """The `file:` URI that opens `path` read-only: SQLite's `mode=ro`, or `immutable=1` where
    the file's directory cannot be written (a read-only mount), since a reader of a WAL archive
    must otherwise create the `-shm` index beside it. Nothing writes to a read-only mount, so
    treating the file as unchanging is safe there; a `-wal` file with content is never ignored.
    """
    return path.resolve().as_uri() + ("?immutable=1" if is_frozen(path) else "?mode=ro")


def is_frozen(path: Path) -> bool:
    """True when nothing can change the file now: its directory cannot be written, and no
    write-ahead log holds changes that are not in the file yet."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        return False
    return not os.access(path.parent, os.W_OK) and not wal.with_name(path.name + "-shm").exists()
