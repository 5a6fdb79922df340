"""What a read asks for: which stories (`StoryFilter`) and how their values are written
(`Cells`).

Plain values, free of SQLAlchemy: the command line builds them from its options before any
archive is opened; `storage.clauses` and `storage.story_rows` turn them into SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

# A value as JSON text: json.dumps(ensure_ascii=False), without an encoder built per call.
json_text = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


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


@dataclass(frozen=True, slots=True)
class Cells:
    """How a story's values are written: as plain text (None stays None), or as JSON text.

    Tags are a tuple of names in order, or one text of them joined by `tags_joined_by`. Plain
    text that starts with one of the characters `quote_leading` gets a leading apostrophe, so a
    spreadsheet shows it as text rather than run it as a formula.
    """

    json: bool = False
    tags_joined_by: str | None = None
    quote_leading: tuple[str, ...] = ()

    def tags_text(self, names: list[str]) -> Any:
        """A story's tag names, in order, as these cells write them."""
        if self.json:
            return json_text(names)
        if self.tags_joined_by is None:
            return tuple(names)
        return _guarded(self.tags_joined_by.join(names), self.quote_leading)


def _guarded(text: str, leading: tuple[str, ...]) -> str:
    """`text`, with an apostrophe before it when it starts with one of `leading`: what the
    database does to stored text (`story_rows`), for text made here."""
    return "'" + text if leading and text.startswith(leading) else text
