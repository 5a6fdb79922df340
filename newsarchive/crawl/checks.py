"""Settings given by name (`-s NAME=VALUE`) checked before anything starts.

A misspelt NEWSARCHIVE_* name would be silently ignored, and a value Scrapy cannot read would
fail deep inside the crawl with a traceback; a zero or negative bound would lift a limit (0
pages would mean no page bound at all). Each is a usage error here, in one line.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping
from typing import Any


class OptionError(ValueError):
    """Options that cannot make a crawl; the message says which and why, in one line."""


# Settings read as another type than their default's (None, or a whole number of seconds).
_READ_AS: dict[str, type] = {
    "NEWSARCHIVE_HOST_INTERVAL": float, "DOWNLOAD_TIMEOUT": float, "CLOSESPIDER_TIMEOUT": float,
}  # fmt: skip
# Numbers that must be more than 0 (every other number must be 0 or more).
POSITIVE = frozenset(
    {
        "NEWSARCHIVE_MAX_PAGES", "NEWSARCHIVE_BATCH_SIZE", "NEWSARCHIVE_BATCH_SECONDS",
        "NEWSARCHIVE_STOP_AFTER", "NEWSARCHIVE_LEASE_SECONDS", "NEWSARCHIVE_JOB_TTL",
        "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_ITEMS",
        "DOWNLOAD_TIMEOUT", "NEWSARCHIVE_FEED_MAXSIZE", "NEWSARCHIVE_FEED_MAX_ENTRIES",
        "NEWSARCHIVE_MAX_ARTICLES", "NEWSARCHIVE_ARTICLE_ATTEMPTS",
        "NEWSARCHIVE_ARTICLE_MAXSIZE",
    }
)  # fmt: skip
FRACTIONS = frozenset({"NEWSARCHIVE_MIN_STORIES_RATIO"})  # from 0 to 1
# Scrapy's numbers that cannot be negative (priorities can: they are left alone).
NON_NEGATIVE = frozenset(
    {
        "DOWNLOAD_DELAY", "RETRY_TIMES", "REDIRECT_MAX_TIMES", "DOWNLOAD_MAXSIZE",
        "DOWNLOAD_WARNSIZE", "URLLENGTH_LIMIT", "AUTOTHROTTLE_START_DELAY",
        "AUTOTHROTTLE_MAX_DELAY", "AUTOTHROTTLE_TARGET_CONCURRENCY", "DEPTH_LIMIT",
        "CLOSESPIDER_TIMEOUT", "CLOSESPIDER_PAGECOUNT", "CLOSESPIDER_ITEMCOUNT",
        "CLOSESPIDER_ERRORCOUNT",
    }
)  # fmt: skip


def check_settings(given: Mapping[str, Any]) -> None:
    """Raise OptionError for an unknown NEWSARCHIVE_* name or a value its setting cannot take."""
    defaults = _defaults()
    for name, value in given.items():
        if name.startswith("NEWSARCHIVE_") and name not in defaults:
            close = difflib.get_close_matches(
                name, [n for n in defaults if n.startswith("NEWSARCHIVE_")], 1
            )
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise OptionError(f"unknown setting {name}{hint}")
        _check_value(name, value, defaults.get(name))


def _check_value(name: str, value: Any, default: Any) -> None:
    from scrapy.settings import BaseSettings

    kind = _READ_AS.get(name, type(default))
    read = {bool: "getbool", int: "getint", float: "getfloat"}.get(kind)
    if name == "LOG_LEVEL":
        if not isinstance(logging.getLevelName(str(value).upper()), int):
            raise OptionError(
                f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {value!r}"
            )
        return
    if read is None:
        return
    try:
        number = getattr(BaseSettings({name: value}), read)(name)
    except (TypeError, ValueError):
        expected = {"getbool": "true or false", "getint": "a whole number", "getfloat": "a number"}[
            read
        ]
        raise OptionError(f"{name} must be {expected}, not {value!r}") from None
    if kind is bool:
        return
    if name in FRACTIONS and not 0 <= number <= 1:
        raise OptionError(f"{name} must be between 0 and 1, not {value!r}")
    if name in POSITIVE and number <= 0:
        raise OptionError(f"{name} must be more than 0, not {value!r}")
    if number < 0 and (name.startswith("NEWSARCHIVE_") or name in NON_NEGATIVE):
        raise OptionError(f"{name} must be 0 or more, not {value!r}")


def _defaults() -> dict[str, Any]:
    """Every setting's default: Scrapy's, then the project's."""
    from scrapy.settings import default_settings

    from newsarchive import settings

    found = {
        name: getattr(default_settings, name) for name in dir(default_settings) if name.isupper()
    }
    found |= {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    return found
