"""Scrapy settings: polite defaults for the public web.

Loopback tests and benchmarks lift the limits with `-s NAME=VALUE`; nothing else should.
"""

import os

from newsarchive import __version__

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["newsarchive.spiders"]
NEWSPIDER_MODULE = "newsarchive.spiders"


def user_agent(contact: str) -> str:
    """The User-Agent: the tool, its version and where to reach whoever runs the crawl."""
    return f"newsarchive/{__version__} (+{contact})"


# Who we are and how to reach whoever runs the crawl; see README "Politeness".
NEWSARCHIVE_CONTACT = os.environ.get("NEWSARCHIVE_CONTACT", "https://pypi.org/project/newsarchive/")
USER_AGENT = user_agent(NEWSARCHIVE_CONTACT)

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Outputs of one response handled at once. The spider yields one item per listing page (plus the
# next request), so Scrapy's default of 100 would only start 100 idle tasks for every page.
CONCURRENT_ITEMS = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
# No control ports: Scrapy's telnet console and its remote-control HTTP server run code sent to them.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Only http(s) can be fetched, whatever a hostile page or redirect names.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}

DOWNLOADER_MIDDLEWARES = {
    "newsarchive.middlewares.boundary.SiteBoundaryMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsarchive.middlewares.retry.BackoffRetryMiddleware": 550,
    "newsarchive.middlewares.charset.CharsetMiddleware": 585,
    # Next to the downloader: it records responses before decompression and redirects.
    "newsarchive.middlewares.warc.WarcRecorder": 950,
}

ITEM_PIPELINES = {
    "newsarchive.pipelines.normalize.NormalizePipeline": 100,
    "newsarchive.pipelines.validate.ValidatePipeline": 200,
    "newsarchive.pipelines.dedupe.DedupePipeline": 300,
    "newsarchive.pipelines.store.StorePipeline": 800,
    # With NEWSARCHIVE_ARTICLES: the stories of each stored page followed to their articles.
    "newsarchive.spiders.articles.ArticleFollower": 900,
}
EXTENSIONS = {
    # First: the others ask it for the run's state, its writer thread and the archive.
    "newsarchive.runtime.recorder.RunRecorder": 100,
    "newsarchive.runtime.checkpoint.Checkpoint": 200,
    "newsarchive.runtime.progress.Progress": 500,
    "newsarchive.runtime.crawldelay.CrawlDelay": 510,
}
# `scrapy crawl` ends with the exit status and message `newsarchive crawl` gives.
COMMANDS_MODULE = "newsarchive.commands"


LOG_LEVEL = "INFO"

# Where stories go: a file path or a SQLAlchemy URL (default data/archive.sqlite).
NEWSARCHIVE_DB = os.environ.get("NEWSARCHIVE_DB")
# Listing pages followed per start URL, the start page included (a bound against traps).
NEWSARCHIVE_MAX_PAGES = 1000
# Set for the processes of one `--jobs` crawl and for frontier workers: they share the archive
# lock with each other (never with a crawl) and leave the runs of the others alone.
NEWSARCHIVE_SHARED_LOCK = False
# A batch is written when it holds this many stories or is this many seconds old.
NEWSARCHIVE_BATCH_SIZE = 2000
NEWSARCHIVE_BATCH_SECONDS = 2.0
# Site profiles (TOML): files given with `crawl --profile`, then this folder, then built-in ones.
NEWSARCHIVE_PROFILE_FILES: list[str] = []
NEWSARCHIVE_PROFILES_DIR = os.environ.get("NEWSARCHIVE_PROFILES_DIR")
# Live progress line on stderr (the CLI turns it on when stderr is a terminal).
NEWSARCHIVE_PROGRESS = False
# Progress as JSON lines on stdout, for the parent of `crawl --jobs` to draw one line of all.
NEWSARCHIVE_PROGRESS_REPORT = False

# Retries (RETRY_TIMES) wait BACKOFF, 2 x BACKOFF, 4 x BACKOFF ... seconds, at most BACKOFF_MAX;
# a Retry-After header (429, 503) is waited out when it asks no more than RETRY_AFTER_MAX.
NEWSARCHIVE_RETRY_BACKOFF = 2.0
NEWSARCHIVE_RETRY_BACKOFF_MAX = 60.0
NEWSARCHIVE_RETRY_AFTER_MAX = 600.0
# robots.txt Crawl-delay is honoured per site, up to this many seconds between requests.
NEWSARCHIVE_CRAWL_DELAY_MAX = 60.0
# Hosts besides each start URL's own that its pages and redirects may lead to (comma-separated).
NEWSARCHIVE_ALLOWED_HOSTS: list[str] = []
# Where `--resume` checkpoints live (default: jobs/ beside a SQLite archive, else data/jobs/).
NEWSARCHIVE_JOBS_DIR = None
# Set by the crawl API: this crawl's job folder, and whether to resume from its checkpoint.
NEWSARCHIVE_JOBDIR = None
NEWSARCHIVE_RESUME = False
# Incremental crawls: once the archive holds a start URL's pages, stop following its
# pagination after this many pages in a row bring no story new to the archive.
NEWSARCHIVE_FULL = False
NEWSARCHIVE_STOP_AFTER = 2
# Every fetched listing page goes to one gzip WARC file per run in this directory
# (default: warc/ beside the archive file, so data/warc/ for the default archive).
NEWSARCHIVE_WARC = True
NEWSARCHIVE_WARC_DIR = None
# Feeds and sitemaps, each listing's second witness (`--no-feeds` turns them off): once a run,
# the feed of each start URL's tag and up to NEWSARCHIVE_SITEMAPS sitemaps per site, each read
# up to NEWSARCHIVE_FEED_MAXSIZE bytes and NEWSARCHIVE_FEED_MAX_ENTRIES entries.
NEWSARCHIVE_FEEDS = True
NEWSARCHIVE_FEED_MAXSIZE = 5 * 1024 * 1024
NEWSARCHIVE_FEED_MAX_ENTRIES = 5000
NEWSARCHIVE_SITEMAPS = 4
# A run whose pages list fewer stories than this share of the previous run's (per start URL)
# ends with status fewer_stories: the site may have changed its layout.
NEWSARCHIVE_MIN_STORIES_RATIO = 0.5

# Frontier workers (`newsarchive worker`). A lease not renewed for this long (its worker died or
# hung) goes back to the queue; a job's duplicate filter and chain memory expire this long after
# their last use; a worker closes once the whole frontier has been empty this long (0: never);
# all workers together start at most one request per this many seconds per site (default:
# DOWNLOAD_DELAY).
NEWSARCHIVE_LEASE_SECONDS = 60.0
NEWSARCHIVE_JOB_TTL = 3 * 24 * 3600
NEWSARCHIVE_IDLE_EXIT = 0.0
NEWSARCHIVE_HOST_INTERVAL: float | None = None

# Backfills (`newsarchive backfill`): the Wayback-style CDX API asked for a tag's captures, the
# replay prefix their original bytes are fetched through (`{prefix}{timestamp}id_/{url}`), the
# period captured (a date or date-time; none: all of it) and at most how many captures per start
# URL (0: all). The backfill spider asks the web archive more gently than a site (see
# newsarchive.spiders.backfill).
NEWSARCHIVE_CDX_API = "https://web.archive.org/cdx/search/cdx"
NEWSARCHIVE_REPLAY_PREFIX = "https://web.archive.org/web/"
NEWSARCHIVE_SINCE: str | None = None
NEWSARCHIVE_UNTIL: str | None = None
NEWSARCHIVE_MAX_CAPTURES = 0
# Articles (`crawl --articles`, `newsarchive articles`): each listed story's article page is
# fetched once, through the same robots.txt, delay, AutoThrottle and per-site slot as listings;
# at most MAX_ARTICLES article pages per run, none larger than ARTICLE_MAXSIZE bytes. One that
# failed is tried again by later runs until it has failed ARTICLE_ATTEMPTS times in a row.
# RECHECK: ages since an article's first fetch at which later runs fetch it again ("1d,7d").
NEWSARCHIVE_ARTICLES = False
NEWSARCHIVE_MAX_ARTICLES = 1000
NEWSARCHIVE_ARTICLE_ATTEMPTS = 3
NEWSARCHIVE_ARTICLE_MAXSIZE = 8 * 1024 * 1024
NEWSARCHIVE_RECHECK = ""
