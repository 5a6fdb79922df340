"""What every spider of a run sets up the same way: the spider arguments that stand for
settings (`scrapy crawl tag -a max_pages=3`), and the site profiles the settings name."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from newsarchive.extract import Profile
from newsarchive.items import PageFailure
from newsarchive.profiles import ProfileError, load_profiles
from newsarchive.runtime.recorder import RunRecorder
from newsarchive.urls import canonical_url

logger = logging.getLogger(__name__)


def arguments_as_settings(crawler: Crawler, kwargs: dict[str, Any], names: dict[str, str]) -> None:
    """Move the spider arguments `names` maps to settings out of `kwargs`, into the crawler's
    settings at command-line priority (an empty value leaves the setting as it is)."""
    for argument, setting in names.items():
        value = kwargs.pop(argument, None)
        if value not in (None, ""):
            crawler.settings.set(setting, value, priority="cmdline")


def run_profiles(spider: Spider, start_urls: Sequence[str]) -> tuple[Profile, ...] | None:
    """The site profiles the run's settings name; None when one cannot be read: the error is
    logged and every start URL is a failure of the run."""
    try:
        return load_profiles(
            spider.settings.getlist("NEWSARCHIVE_PROFILE_FILES"),
            spider.settings.get("NEWSARCHIVE_PROFILES_DIR"),
        )
    except ProfileError as error:
        logger.error("%s", error)
        RunRecorder.of(spider.crawler).state.start_failures += [
            PageFailure(canonical_url(url), url, 1, str(error)) for url in start_urls
        ]
        return None
