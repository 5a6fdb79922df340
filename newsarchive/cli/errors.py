"""Errors the CLI reports as one line and an exit status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsarchive.files import OutputRefused


class CLIError(Exception):
    """A user-facing failure; `code` is the process exit status."""

    USAGE = 2
    START_FAILED = 3
    NO_STORIES = 4
    DATABASE = 5
    OUTPUT = 6
    LOCKED = 7
    CHECK_FAILED = 8
    FEWER_STORIES = 9
    SCHEMA = 10
    MISSING_WARC = 11
    FRONTIER = 12
    WARC_FAILED = 13
    BAD_ARCHIVE = 14
    WEB_ARCHIVE = 15  # backfill: the CDX API failed, or the web archive asked us to stop (429)

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


@contextmanager
def writing(target: Path | str) -> Iterator[None]:
    """Report an output that exists already, or cannot be written, as one line and status 6."""
    try:
        yield
    except OutputRefused as error:
        raise CLIError(str(error), CLIError.OUTPUT) from None
    except OSError as error:
        raise CLIError(f"cannot write {target}: {error.strerror}", CLIError.OUTPUT) from None
