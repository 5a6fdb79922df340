"""Where an interrupted crawl resumes: per start URL, the latest listing page now in the archive.

Scrapy's JOBDIR is not used for this: it writes its queue state (`active.json`) only when a crawl
stops cleanly and buffers its seen-requests file, so after kill -9 it can remember pages that were
never queued, and a resumed crawl would silently skip them. The checkpoint is rewritten (atomically)
after each committed batch instead, so it never runs ahead of the archive: it names pages whose
stories are stored, at least in part, and resuming fetches those pages again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from newsarchive.items import Story
from newsarchive.signals import batch_stored
from newsarchive.storage.engine import database_url, sqlite_path
from newsarchive.urls import canonical_url

logger = logging.getLogger(__name__)
FILENAME = "checkpoint.json"


def job_dir(jobs_root: str | None, db: str | None, start_urls: Iterable[str]) -> Path:
    """The job folder of one archive and one set of start URLs.

    Under `jobs_root` when given, else `jobs/` beside a SQLite archive (so `data/jobs/` for the
    default archive), else `data/jobs/`; named after the archive plus a hash of both.
    """
    url = database_url(db)
    sqlite_file = sqlite_path(url)
    if jobs_root:
        root = Path(jobs_root)
    elif sqlite_file:
        root = sqlite_file.parent / "jobs"
    else:
        root = Path("data") / "jobs"
    name = sqlite_file.stem if sqlite_file else (url.database or url.get_backend_name())
    key = "\n".join(
        [url.render_as_string(hide_password=True), *sorted(map(canonical_url, start_urls))]
    )
    return root / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


class Checkpoint:
    """The resume points of a crawl, kept in `<job dir>/checkpoint.json`."""

    def __init__(self, folder: Path, *, resume: bool) -> None:
        self.path = folder / FILENAME
        self.points: dict[str, tuple[str, int]] = self._load() if resume else {}
        self.resumed = dict(self.points)
        self.chain_of_page: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Checkpoint | None:
        """The crawl's checkpoint, or None when it runs without a job folder (plain `scrapy crawl`)."""
        folder = crawler.settings.get("NEWSARCHIVE_JOBDIR")
        if not folder:
            return None
        checkpoint = cls(Path(folder), resume=crawler.settings.getbool("NEWSARCHIVE_RESUME"))
        crawler.signals.connect(checkpoint.stored, signal=batch_stored)
        crawler.signals.connect(checkpoint.spider_closed, signal=signals.spider_closed)
        return checkpoint

    def resume_point(self, start_url: str) -> tuple[str, int] | None:
        """The page and page number a resumed chain starts at, or None to start at page 1."""
        return self.resumed.get(start_url)

    def page_parsed(self, listing_url: str, start_url: str) -> None:
        self.chain_of_page[listing_url] = start_url

    def stored(self, batch: list[Story]) -> None:
        """A batch is committed: its pages are safe resume points."""
        changed = False
        for story in batch:
            start_url = self.chain_of_page.get(story.listing_url or "")
            if start_url is None or story.page_number is None:
                continue
            current = self.points.get(start_url)
            if current is None or story.page_number > current[1]:
                self.points[start_url] = (story.listing_url, story.page_number)
                changed = True
        if changed:
            self._save()

    def spider_closed(self, reason: str) -> None:
        """A crawl that ran to its end leaves nothing to resume."""
        if reason == "finished":
            shutil.rmtree(self.path.parent, ignore_errors=True)

    def _load(self) -> dict[str, tuple[str, int]]:
        try:
            chains = json.loads(self.path.read_text(encoding="utf-8"))["chains"]
            return {start: (point["url"], int(point["page"])) for start, point in chains.items()}
        except FileNotFoundError:
            logger.info("no interrupted crawl to resume: starting from the first pages")
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("ignoring an unreadable checkpoint %s (%s)", self.path, error)
        return {}

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        chains = {start: {"url": url, "page": page} for start, (url, page) in self.points.items()}
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps({"chains": chains}, indent=1), encoding="utf-8")
        os.replace(partial, self.path)
