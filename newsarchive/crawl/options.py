"""What a crawl is asked to do: one object from the command line (or Python) to the crawler.

`CrawlOptions.to_settings()` is the one translation into Scrapy settings; `--jobs` hands the
whole object to its processes as JSON. Kept free of heavy imports until settings are built.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from newsarchive.crawl.checks import OptionError, check_settings
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
    """

    urls: tuple[str, ...]
    db: str | None = None
    max_pages: int | None = None
    full: bool = False
    stop_after: int | None = None
    warc: bool = True
    warc_dir: str | None = None
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
        for name in ("max_pages", "stop_after"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise OptionError(f"--{name.replace('_', '-')} must be at least 1")
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
