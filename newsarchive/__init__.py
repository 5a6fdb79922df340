"""newsarchive: crawl news tag-listing pages into a deduplicated, searchable archive."""

# The one place the version is written (pyproject.toml reads it from here): a literal, so that
# `newsarchive --version` needs no package metadata look-up at start-up.
__version__ = "0.1.0"
