"""Which stories a search, an export or a bundle covers: tags, sites and a date range.

A plain value, free of SQLAlchemy: the command line builds it from its options before any
archive is opened; `storage.clauses` turns it into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Stories under any of `tags`, on any of `sites`, dated within [since, until].

    Dates apply to `published_at` as the page wrote it (stories without one are left out), or
    to when the archive first saw the story with `by_first_seen`. A bare date as `until`
    covers that whole day.
    """

    tags: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    by_first_seen: bool = False

    def describe(self) -> dict[str, object]:
        """The filter as plain values, for a dataset's description."""
        return {
            "tags": list(self.tags),
            "sites": list(self.sites),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "dates_on": "first_seen_at" if self.by_first_seen else "published_at",
        }
