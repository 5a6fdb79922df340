"""A project's crawl in a TOML file (`newsarchive.toml`): its start URLs, archive, contact and
per-site settings, so a cron line or a colleague runs the same crawl with `newsarchive crawl`.

    urls = ["https://news.example.org/tag/peru/", "https://news.example.org/tag/bolivia/"]
    db = "data/peru.sqlite"            # relative paths are relative to this file
    contact = "mailto:team@example.org"
    max_pages = 200
    [settings]                         # any -s setting
    DOWNLOAD_TIMEOUT = 60
    [sites."news.example.org"]         # one site: at most 1 request at a time, 5 s apart
    concurrency = 1
    delay = 5

Read without Scrapy; its values become `CrawlOptions` fields (`CrawlOptions.configured`), and
the command line's flags win over them.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive.crawl.checks import OptionError

FILE_NAME = "newsarchive.toml"
# A comment in a file of URLs: from a # at the start of the line or after a space.
_COMMENT = re.compile(r"(^|\s)#.*$")
SITE_KEYS = {"concurrency": int, "delay": float}


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """What a project file says; `path` is None when there is none."""

    path: Path | None = None
    urls: tuple[str, ...] = ()
    db: str | None = None
    contact: str | None = None
    max_pages: int | None = None
    stop_after: int | None = None
    warc_dir: str | None = None
    profiles: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    sites: dict[str, dict[str, Any]] = field(default_factory=dict)

    def archive(self, given: str | None) -> str | None:
        """The archive a command uses: `--db`, else $NEWSARCHIVE_DB, else the file's `db`
        (None: the storage layer's default)."""
        return given or os.environ.get("NEWSARCHIVE_DB") or self.db

    def crawl_settings(self) -> dict[str, Any]:
        """The Scrapy settings the file stands for: its own, the contact, the per-site slots."""
        found = dict(self.settings)
        if self.contact:
            found["NEWSARCHIVE_CONTACT"] = self.contact
        if self.sites:
            found["DOWNLOAD_SLOTS"] = {host: dict(values) for host, values in self.sites.items()}
        return found


# key -> (type, relative path to resolve against the file's folder)
_KEYS: dict[str, tuple[type, bool]] = {
    "urls": (list, False), "db": (str, True), "contact": (str, False),
    "max_pages": (int, False), "stop_after": (int, False), "warc_dir": (str, True),
    "profiles": (list, True), "settings": (dict, False), "sites": (dict, False),
}  # fmt: skip


def load_config(path: str | None) -> ProjectConfig:
    """The project file at `path`, else `newsarchive.toml` in the working directory if there
    is one; raises OptionError (one line) for a file that is missing, not TOML or wrong."""
    if path is None:
        found = Path(FILE_NAME)
        if not found.is_file():
            return ProjectConfig()
    else:
        found = Path(path)
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except OSError as error:
        raise OptionError(f"cannot read {found}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise OptionError(f"{found} is not valid TOML: {error}") from None
    values: dict[str, Any] = {"path": found}
    for key, value in data.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, 1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise OptionError(f"{found}: unknown key {key!r}{hint}")
        kind, is_path = _KEYS[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise OptionError(f"{found}: {key} must be a {kind.__name__}")
        if kind is list:
            if not all(isinstance(item, str) for item in value):
                raise OptionError(f"{found}: {key} must be a list of strings")
            value = tuple(_resolved(found, item) if is_path else item for item in value)
        elif is_path:
            value = _resolved(found, value)
        values[key] = value
    _check_sites(found, values.get("sites", {}))
    return ProjectConfig(**values)


def _resolved(config: Path, value: str) -> str:
    """A path in the file, relative to the file's folder; a URL (a database server) as it is."""
    if "://" in value:
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else config.parent / path)


def _check_sites(config: Path, sites: dict[str, Any]) -> None:
    for host, values in sites.items():
        if not isinstance(values, dict):
            raise OptionError(f"{config}: sites.{host} must be a table")
        for key, value in values.items():
            kind = SITE_KEYS.get(key)
            if kind is None:
                raise OptionError(
                    f"{config}: sites.{host}: unknown key {key!r} (known: {', '.join(SITE_KEYS)})"
                )
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise OptionError(f"{config}: sites.{host}.{key} must be a positive number")
            if kind is int and not isinstance(value, int):
                raise OptionError(f"{config}: sites.{host}.{key} must be a whole number")


def read_urls(source: str, stdin: Any) -> list[str]:
    """Start URLs from a file (`-` for stdin), one per line; blank lines and `#` comments
    are skipped."""
    try:
        text = stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise OptionError(f"cannot read start URLs from {source}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise OptionError(f"cannot read start URLs from {source}: not UTF-8 text") from None
    lines = (_COMMENT.sub("", line).strip() for line in text.splitlines())
    return [line for line in lines if line]
