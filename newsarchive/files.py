"""Output files written whole or not at all, and values made printable as JSON."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any


class OutputExists(Exception):
    """An output that is there already and may not be replaced; the message says how to."""


def refuse_existing(path: Path, *, force: bool) -> None:
    """Raise OutputExists when `path` exists, unless `force` allows replacing it."""
    if path.exists() and not force:
        raise OutputExists(f"{path} exists (use --force to overwrite)")


@contextmanager
def atomic_file(
    path: Path, *, encoding: str | None = "utf-8", newline: str | None = ""
) -> Iterator[IO[Any]]:
    """Write `path` through `PATH.partial`, renamed over `path` only once the block completes.

    A failure or an interruption inside the block removes the partial file and leaves `path` as
    it was. A symlink is written through (its target is replaced, the link kept); a device or a
    pipe (`/dev/stdout`) is written directly, as nothing can be renamed over it. `encoding=None`
    opens the file for bytes.
    """
    mode = "wb" if encoding is None else "w"
    newline = None if encoding is None else newline
    path = path.resolve() if path.is_symlink() else path
    if path.exists() and not path.is_file():
        with path.open(mode, encoding=encoding, newline=newline) as out:
            yield out
        return
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open(mode, encoding=encoding, newline=newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_directory(directory: Path) -> Iterator[Path]:
    """Fill `DIRECTORY.partial`, then move it into place (replacing `directory`) once complete."""
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        yield partial
        if directory.exists():
            shutil.rmtree(directory)
        partial.replace(directory)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def json_default(value: object) -> str:
    """`json.dumps(default=...)`: dates and times as ISO 8601, anything else as its text."""
    return value.isoformat() if isinstance(value, date | datetime) else str(value)
