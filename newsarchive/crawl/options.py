"""What a crawl is asked to do: one object from the command line (or Python) to the crawler.

`CrawlOptions.to_settings()` is the one translation into Scrapy settings; `--jobs` hands the
whole object to its processes as JSON. `BackfillOptions` and `ArticleOptions` ask the same of a
backfill and of an article run, through the options they share with a crawl. Kept free of heavy
imports until settings are built.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from newsarchive.ages import parse_ages
from newsarchive.crawl.checks import OptionError, check_settings
from newsarchive.storage.selection import StoryFilter
from newsarchive.urls import is_web_url, without_credentials

# Scrapy's default; a longer request is dropped without a word by its UrlLengthMiddleware.
URLLENGTH_LIMIT = 2083

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from newsarchive.crawl.config import ProjectConfig


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """A crawl of `urls` (tag-listing pages) into the archive `db`.

    Incremental unless `full`: a start URL the archive has walked before stops after
    `stop_after` pages with no new story. `settings` are Scrapy or NEWSARCHIVE_* settings given
    by name (`-s NAME=VALUE`); the named options win over them. `shared_lock` is for the
    processes of one `--jobs` crawl, whose parent holds the lock and closes stale runs.
    With `articles`, each listed story's article page is fetched too (at most `max_articles`
    per run), and with `recheck` (ages such as "1d,7d") the articles of the crawled sites that
    reached one of those ages since their first fetch are fetched again.
    """

    urls: tuple[str, ...]
    db: str | None = None
    max_pages: int | None = None
    full: bool = False
    stop_after: int | None = None
    warc: bool = True
    warc_dir: str | None = None
    feeds: bool = True
    settings: dict[str, Any] = field(default_factory=dict)
    progress: bool = False
    # For the processes of `--jobs`: progress as JSON lines on stdout (`runtime.progress`).
    report_progress: bool = False
    # 1 logs what the crawl does (INFO), 2 everything (DEBUG), as Scrapy's log levels.
    verbosity: int = 0
    log_file: str | None = None
    resume: bool = False
    profiles: tuple[str, ...] = ()
    shared_lock: bool = False
    articles: bool = False
    max_articles: int | None = None
    recheck: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "urls", tuple(dict.fromkeys(self.urls)))
        object.__setattr__(self, "profiles", tuple(self.profiles))

    def check(self) -> None:
        """Raise OptionError for options no crawl can run with."""
        if not self.urls:
            raise OptionError("no start URL given")
        bad = [url for url in self.urls if not is_web_url(url)]
        if bad:
            raise OptionError(f"not an http(s) URL: {without_credentials(bad[0])[0]}")
        for name in ("max_pages", "stop_after", "max_articles"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise OptionError(f"--{name.replace('_', '-')} must be at least 1")
        if self.recheck is not None:
            if not self.articles:
                raise OptionError("--recheck needs --articles")
            check_ages(self.recheck)
        check_settings(self.settings)
        limit = int(self.settings.get("URLLENGTH_LIMIT", URLLENGTH_LIMIT))
        long = next((url for url in self.urls if limit and len(url) > limit), None)
        if long:
            raise OptionError(
                f"start URL longer than {limit} characters (URLLENGTH_LIMIT): "
                f"{without_credentials(long)[0][:80]}…"
            )

    def overrides(self) -> dict[str, Any]:
        """The settings these options stand for, on top of `settings`."""
        named: dict[str, Any] = {
            "LOG_LEVEL": ("ERROR", "INFO", "DEBUG")[min(self.verbosity, 2)],
            "NEWSARCHIVE_PROGRESS": self.progress,
            "NEWSARCHIVE_PROGRESS_REPORT": self.report_progress,
            "NEWSARCHIVE_RESUME": self.resume,
            "NEWSARCHIVE_WARC": self.warc,
            "NEWSARCHIVE_FEEDS": self.feeds,
            "NEWSARCHIVE_SHARED_LOCK": self.shared_lock,
        }
        if self.log_file:
            named |= {
                "LOG_FILE": self.log_file,
                "LOG_LEVEL": "DEBUG" if self.verbosity > 1 else "INFO",
            }
        optional = {
            "NEWSARCHIVE_FULL": self.full or None,
            "NEWSARCHIVE_MAX_PAGES": self.max_pages,
            "NEWSARCHIVE_STOP_AFTER": self.stop_after,
            "NEWSARCHIVE_WARC_DIR": self.warc_dir,
            "NEWSARCHIVE_DB": self.db,
            "NEWSARCHIVE_PROFILE_FILES": list(self.profiles) or None,
            "NEWSARCHIVE_ARTICLES": self.articles or None,
            "NEWSARCHIVE_MAX_ARTICLES": self.max_articles,
            "NEWSARCHIVE_RECHECK": self.recheck,
        }
        named |= {name: value for name, value in optional.items() if value is not None}
        return named | self.settings

    def to_settings(self) -> Settings:
        """The crawl's Scrapy settings: the project's, these options, and the job folder."""
        from newsarchive.crawl.api import project_settings
        from newsarchive.runtime.checkpoint import job_dir

        settings = project_settings(self.overrides())
        if not settings.get("NEWSARCHIVE_JOBDIR"):
            folder = job_dir(
                settings.get("NEWSARCHIVE_JOBS_DIR"), settings.get("NEWSARCHIVE_DB"), self.urls
            )
            settings.set("NEWSARCHIVE_JOBDIR", str(folder), priority="cmdline")
        return settings

    @classmethod
    def configured(cls, config: ProjectConfig, **given: Any) -> CrawlOptions:
        """Options from a project file with `given` on top: the command line's values, None (or
        empty) for what it left to the file. Settings merge, the given ones winning."""
        fallback = {
            "urls": config.urls,
            "max_pages": config.max_pages,
            "stop_after": config.stop_after,
            "warc_dir": config.warc_dir,
            "profiles": config.profiles,
        }
        values = {
            name: value if given.get(name) in (None, ()) else given[name]
            for name, value in fallback.items()
        }
        values["db"] = config.archive(given.get("db"))
        values["settings"] = config.crawl_settings() | given.get("settings", {})
        return cls(**(given | values))

    def but(self, **changes: Any) -> CrawlOptions:
        """A copy with some options changed (one process of `--jobs`, say)."""
        return replace(self, **changes)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> CrawlOptions:
        return cls(**json.loads(text))


@dataclass(frozen=True, slots=True)
class BackfillOptions:
    """A backfill of `urls` (tag-listing pages) from a web archive's captures into `db`.

    `cdx` and `replay` name the web archive (default: the Internet Archive's CDX API and replay
    prefix); `since`/`until` bound the capture times (a date, or an ISO 8601 date-time);
    `max_captures` caps the captures per start URL, spread over the period.
    """

    urls: tuple[str, ...]
    db: str | None = None
    since: str | None = None
    until: str | None = None
    cdx: str | None = None
    replay: str | None = None
    max_captures: int | None = None
    warc: bool = True
    warc_dir: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    progress: bool = False
    log_file: str | None = None
    profiles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "urls", tuple(dict.fromkeys(self.urls)))
        object.__setattr__(self, "profiles", tuple(self.profiles))

    def as_crawl(self) -> CrawlOptions:
        """The options a backfill shares with a crawl (archive, WARC, logging, profiles)."""
        return CrawlOptions(
            urls=self.urls, db=self.db, warc=self.warc, warc_dir=self.warc_dir,
            settings=self.settings, progress=self.progress, log_file=self.log_file,
            profiles=self.profiles,
        )  # fmt: skip

    def check(self) -> None:
        """Raise OptionError for options no backfill can run with."""
        self.as_crawl().check()
        for name in ("cdx", "replay"):
            value = getattr(self, name)
            if value is not None and not is_web_url(value):
                raise OptionError(f"--{name} is not an http(s) URL: {value}")
        if self.max_captures is not None and self.max_captures < 1:
            raise OptionError("--max-captures must be at least 1")
        from newsarchive.cdx import parse_moment, stamp

        bounds = {}
        for name in ("since", "until"):
            try:
                bounds[name] = parse_moment(getattr(self, name))
            except ValueError:
                raise OptionError(
                    f"--{name} must be a date like 2019-07-31 or a date-time like "
                    f"2019-07-31T18:00, not {getattr(self, name)!r}"
                ) from None
        since, until = bounds["since"], bounds["until"]
        if since and until and stamp(since) > stamp(until, end=True):
            raise OptionError(f"--since {self.since} is after --until {self.until}")

    def overrides(self) -> dict[str, Any]:
        """The settings these options stand for, on top of `settings`."""
        optional = {
            "NEWSARCHIVE_CDX_API": self.cdx,
            "NEWSARCHIVE_REPLAY_PREFIX": self.replay,
            "NEWSARCHIVE_SINCE": self.since,
            "NEWSARCHIVE_UNTIL": self.until,
            "NEWSARCHIVE_MAX_CAPTURES": self.max_captures,
        }
        named = {name: value for name, value in optional.items() if value is not None}
        return self.as_crawl().overrides() | named | self.settings

    def to_settings(self) -> Settings:
        """The backfill's Scrapy settings: the project's and these options (no job folder: a
        backfill resumes by leaving out the captures the archive has read)."""
        from newsarchive.crawl.api import project_settings

        return project_settings(self.overrides())


def check_ages(text: str) -> tuple[float, ...]:
    """Re-check ages (`1d,7d`) as seconds; OptionError when they cannot be read."""
    try:
        ages = parse_ages(text)
    except ValueError as error:
        raise OptionError(f"--recheck: {error}") from None
    if not ages:
        raise OptionError("--recheck: no age given (e.g. 1d,7d)")
    return ages


@dataclass(frozen=True, slots=True)
class ArticleOptions:
    """Fetching the articles of stories already in the archive `db` (`newsarchive articles`).

    Which: the stories `where` selects (at most `limit`, newest first) that were never followed
    or whose fetch failed fewer than NEWSARCHIVE_ARTICLE_ATTEMPTS times; with `recheck`, the
    articles that reached one of those ages ("1d,7d") since their first fetch instead, and with
    `recheck_all` every archived article. At most `max_articles` pages per run; the other
    options are those of a crawl.
    """

    db: str | None = None
    where: StoryFilter | None = None
    limit: int | None = None
    recheck: str | None = None
    recheck_all: bool = False
    max_articles: int | None = None
    warc: bool = True
    warc_dir: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    progress: bool = False
    log_file: str | None = None

    def check(self) -> None:
        """Raise OptionError for options no run can go with."""
        for name in ("limit", "max_articles"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise OptionError(f"--{name.replace('_', '-')} must be at least 1")
        if self.recheck is not None:
            check_ages(self.recheck)
        check_settings(self.settings)

    def spider_arguments(self) -> dict[str, Any]:
        """The `articles` spider's arguments."""
        return {
            "where": self.where,
            "recheck": check_ages(self.recheck) if self.recheck is not None else (),
            "every": self.recheck_all,
            "limit": self.limit,
        }

    def to_settings(self) -> Settings:
        """The run's Scrapy settings, as a crawl with the same options would have them."""
        crawl = CrawlOptions(
            urls=(), db=self.db, warc=self.warc, warc_dir=self.warc_dir, settings=self.settings,
            progress=self.progress, log_file=self.log_file, max_articles=self.max_articles,
        )  # fmt: skip
        return crawl.to_settings()
