"""`scrapy crawl`, ending as `newsarchive crawl` does: its exit status and one-line message.

Scrapy's own command exits 0 whatever the run's outcome; cron jobs that call `scrapy crawl tag`
(or `scrapy crawl backfill`) need to know when the archive was locked, a start URL failed or no
stories were found.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from newsarchive.cli.backfill import backfill_outcome
from newsarchive.cli.crawl import exit_status, warn_low_confidence
from newsarchive.cli.errors import CLIError
from newsarchive.crawl.api import result_of
from newsarchive.storage import ArchiveLocked, DatabaseError


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl tag -a url=URL")
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        try:
            result = result_of(crawler, 0.0)
            warn_low_confidence(result)
            judge = backfill_outcome if result.backfill is not None else None
            self.exitcode = exit_status(result, judge)
        except ArchiveLocked as error:
            print(f"newsarchive: error: {error}", file=sys.stderr)
            self.exitcode = CLIError.LOCKED
        except DatabaseError as error:
            print(f"newsarchive: error: {error}", file=sys.stderr)
            self.exitcode = CLIError.DATABASE
