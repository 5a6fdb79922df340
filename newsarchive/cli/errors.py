"""Errors the CLI reports as one line and an exit status."""

from __future__ import annotations


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

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code
