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
import shutil
from collections.abc import Iterable
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsarchive.files import atomic_file
from newsarchive.items import ListingPage
from newsarchive.runtime.signals import batch_stored
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
    """The resume points of a crawl, kept in `<job dir>/checkpoint.json` (an extension, on when
    the crawl has a job folder: `newsarchive crawl` gives it one, plain `scrapy crawl` does not)."""

    def __init__(self, folder: Path, *, resume: bool) -> None:
        self.path = folder / FILENAME
        self.points: dict[str, tuple[str, int]] = self._load() if resume else {}
        self.resumed = dict(self.points)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Checkpoint:
        folder = crawler.settings.get("NEWSARCHIVE_JOBDIR")
        if not folder:
            raise NotConfigured
        checkpoint = cls(Path(folder), resume=crawler.settings.getbool("NEWSARCHIVE_RESUME"))
        crawler.signals.connect(checkpoint.stored, signal=batch_stored)
        crawler.signals.connect(checkpoint.spider_closed, signal=signals.spider_closed)
        return checkpoint

    def resume_point(self, start_url: str) -> tuple[str, int] | None:
        """The page and page number a resumed chain starts at, or None to start at page 1."""
        return self.resumed.get(start_url)

    def stored(self, pages: list[ListingPage]) -> None:
        """A batch is committed: its pages are safe resume points."""
        changed = False
        for page in pages:
            if page.start_url is None or page.page_number is None or not page.stories:
                continue
            current = self.points.get(page.start_url)
            if current is None or page.page_number > current[1]:
                listing_url = page.stories[0].listing_url or page.start_url
                self.points[page.start_url] = (listing_url, page.page_number)
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
        with atomic_file(self.path) as out:
            out.write(json.dumps({"chains": chains}, indent=1))
