"""newsarchive: crawl news tag-listing pages into a deduplicated, searchable archive."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsarchive")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
