"""The Python API in one import: crawl into an archive, read it, write its views.

    from newsarchive.api import Archive, CrawlOptions, StoryFilter, crawl, export_file

The command line is a thin layer over these names (README "Python API"). Importing this module
loads the crawler too; a script that only reads an archive can import from `newsarchive.storage`
and `newsarchive.views` instead.
"""

from newsarchive.crawl.api import CrawlResult, backfill, crawl, fetch_articles
from newsarchive.crawl.options import ArticleOptions, BackfillOptions, CrawlOptions, OptionError
from newsarchive.status import ArticleChange, ArticleStatus, RunStatus, WalkEnd, WalkMode
from newsarchive.storage import (
    Archive,
    ArchiveLocked,
    BadArchive,
    Cells,
    DatabaseError,
    SchemaOutdated,
    SchemaTooNew,
    SearchSyntaxError,
    StoryFilter,
    lock_archive,
)
from newsarchive.storage.columns import DEFAULT_FIELDS, FIELDS
from newsarchive.views.bundle import Bundle, BundleExists, write_bundle
from newsarchive.views.export import FORMATS, export_file, write_stories
from newsarchive.views.report.page import write_report

__all__ = [
    "DEFAULT_FIELDS",
    "FIELDS",
    "FORMATS",
    "Archive",
    "ArchiveLocked",
    "ArticleChange",
    "ArticleOptions",
    "ArticleStatus",
    "BackfillOptions",
    "BadArchive",
    "Bundle",
    "BundleExists",
    "Cells",
    "CrawlOptions",
    "CrawlResult",
    "DatabaseError",
    "OptionError",
    "RunStatus",
    "SchemaOutdated",
    "SchemaTooNew",
    "SearchSyntaxError",
    "StoryFilter",
    "WalkEnd",
    "WalkMode",
    "backfill",
    "crawl",
    "export_file",
    "fetch_articles",
    "lock_archive",
    "write_bundle",
    "write_report",
    "write_stories",
]
