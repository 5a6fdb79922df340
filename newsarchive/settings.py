"""Scrapy settings: polite defaults for the public web.

Loopback tests and benchmarks lift the limits with `-s NAME=VALUE`; nothing else should.
"""

import os

from newsarchive import __version__

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["newsarchive.spiders"]
NEWSPIDER_MODULE = "newsarchive.spiders"

# Who we are and how to reach whoever runs the crawl; see README "Politeness".
NEWSARCHIVE_CONTACT = os.environ.get("NEWSARCHIVE_CONTACT", "https://pypi.org/project/newsarchive/")
USER_AGENT = f"newsarchive/{__version__} (+{NEWSARCHIVE_CONTACT})"

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

ITEM_PIPELINES = {
    "newsarchive.pipelines.normalize.NormalizePipeline": 100,
    "newsarchive.pipelines.validate.ValidatePipeline": 200,
    "newsarchive.pipelines.dedupe.DedupePipeline": 300,
    "newsarchive.pipelines.store.StorePipeline": 800,
}
EXTENSIONS = {"newsarchive.progress.Progress": 500}
# Next to the downloader: it records responses before decompression and redirects.
DOWNLOADER_MIDDLEWARES = {"newsarchive.middlewares.warc.WarcRecorder": 950}

LOG_LEVEL = "INFO"

# Where stories go: a file path or a SQLAlchemy URL (default data/archive.sqlite).
NEWSARCHIVE_DB = os.environ.get("NEWSARCHIVE_DB")
# Listing pages followed per start URL, the start page included (a bound against traps).
NEWSARCHIVE_MAX_PAGES = 1000
# A batch is written when it holds this many stories or is this many seconds old.
NEWSARCHIVE_BATCH_SIZE = 2000
NEWSARCHIVE_BATCH_SECONDS = 2.0
# Live progress line on stderr (the CLI turns it on when stderr is a terminal).
NEWSARCHIVE_PROGRESS = False
# Incremental crawls: once the archive holds a start URL's pages, stop following its
# pagination after this many pages in a row bring no story new to the archive.
NEWSARCHIVE_FULL = False
NEWSARCHIVE_STOP_AFTER = 2
# Every fetched listing page goes to one gzip WARC file per run in this directory
# (default: warc/ beside the archive file, so data/warc/ for the default archive).
NEWSARCHIVE_WARC = True
NEWSARCHIVE_WARC_DIR = None
# A run whose pages list fewer stories than this share of the previous run's (per start URL)
# ends with status fewer_stories: the site may have changed its layout.
NEWSARCHIVE_MIN_STORIES_RATIO = 0.5
