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

LOG_LEVEL = "INFO"

# Where stories go: a file path or a SQLAlchemy URL (default data/archive.sqlite).
NEWSARCHIVE_DB = os.environ.get("NEWSARCHIVE_DB")
# Listing pages followed per start URL, the start page included (a bound against traps).
NEWSARCHIVE_MAX_PAGES = 1000
# A batch is written when it holds this many stories or is this many seconds old.
NEWSARCHIVE_BATCH_SIZE = 2000
NEWSARCHIVE_BATCH_SECONDS = 2.0
# Site profiles (TOML): files given with `crawl --profile`, then this folder, then built-in ones.
NEWSARCHIVE_PROFILE_FILES: list[str] = []
NEWSARCHIVE_PROFILES_DIR = os.environ.get("NEWSARCHIVE_PROFILES_DIR")
# Live progress line on stderr (the CLI turns it on when stderr is a terminal).
NEWSARCHIVE_PROGRESS = False
