"""Reaching the shared frontier from a command, with the one-line errors the CLI promises."""

from __future__ import annotations

from redis import RedisError

from newsarchive.cli.errors import CLIError
from newsarchive.frontier.state import Frontier, display_url


def connect(url: str | None) -> Frontier:
    if not url:
        raise CLIError("no frontier: give --redis redis://HOST:PORT/DB", CLIError.USAGE)
    try:
        return Frontier.connect(url)
    except ValueError as error:
        raise CLIError(f"not a Redis URL: {error}".splitlines()[0], CLIError.USAGE) from None
    except RedisError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CLIError(
            f"cannot reach the frontier at {display_url(url)}: {reason}", CLIError.FRONTIER
        ) from None
