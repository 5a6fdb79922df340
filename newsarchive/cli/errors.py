"""Errors the CLI reports as one line and an exit status."""

from __future__ import annotations


class CLIError(Exception):
    """A user-facing failure; `code` is the process exit status."""

    USAGE = 2
    START_FAILED = 3
    NO_STORIES = 4
    DATABASE = 5
    OUTPUT = 6
    FRONTIER = 7

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code
