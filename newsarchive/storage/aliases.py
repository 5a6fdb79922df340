"""A story's other URLs: listing URLs whose article named another canonical URL, and stories
merged into it (storage/articles.py records them). Every write and look-up by URL goes through
them, so a listing that shows such a URL again is a sighting of the story it stands for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select

from newsarchive.storage import bulk
from newsarchive.storage.schema import stories, story_aliases


def story_ids(conn: Connection, urls: Sequence[str]) -> dict[str, int]:
    """The story id of each URL the archive knows, as its key or as an alias."""
    query = select(stories.c.url, stories.c.id).where(stories.c.url.in_(urls))
    found = {url: key for url, key in conn.execute(query)}
    others = [url for url in urls if url not in found]
    if others:
        query = select(story_aliases.c.url, story_aliases.c.story_id).where(
            story_aliases.c.url.in_(others)
        )
        found.update((url, key) for url, key in conn.execute(query))
    return found


def aliases_of(conn: Connection, urls: Iterable[str]) -> dict[str, str]:
    """The story URL each of these alias URLs stands for (URLs that are no alias left out)."""
    found: dict[str, str] = {}
    for chunk in bulk.chunks(list(urls)):
        query = (
            select(story_aliases.c.url, stories.c.url)
            .join(stories, stories.c.id == story_aliases.c.story_id)
            .where(story_aliases.c.url.in_(chunk))
        )
        found.update((url, key) for url, key in conn.execute(query))
    return found
