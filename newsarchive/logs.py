"""Log output for people at a terminal or reading cron mail: one line per problem."""

from __future__ import annotations

import logging

FORMAT = "newsarchive: %(levelname)s: %(message)s"
# Download failures these report are reported again, once, by the spider's own outcome.
REPEATED_BY_SPIDER = (
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt",
)


class OneLineFormatter(logging.Formatter):
    """A record's first line, without the traceback (the run's stats keep the count)."""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_info = record.exc_text = record.stack_info = None
        return super().format(record).splitlines()[0]


def _not_repeated(record: logging.LogRecord) -> bool:
    return not record.name.startswith(REPEATED_BY_SPIDER)


def one_line_logging() -> None:
    """Make the root handlers Scrapy installed print one line per record, without repeats."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(OneLineFormatter(FORMAT))
        handler.addFilter(_not_repeated)
