"""Spider arguments that stand for settings: `scrapy crawl tag -a max_pages=3` and the like."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler


def arguments_as_settings(crawler: Crawler, kwargs: dict[str, Any], names: dict[str, str]) -> None:
    """Move the spider arguments `names` maps to settings out of `kwargs`, into the crawler's
    settings at command-line priority (an empty value leaves the setting as it is)."""
    for argument, setting in names.items():
        value = kwargs.pop(argument, None)
        if value not in (None, ""):
            crawler.settings.set(setting, value, priority="cmdline")
