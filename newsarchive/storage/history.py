"""A story's timeline: its earlier values, every sighting, its time on each tag's page 1, and
its article with what each fetch of it found changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newsarchive.urls import canonical_url

if TYPE_CHECKING:
    from newsarchive.storage.read import StoryReader


@dataclass(slots=True)
class TagPresence:
    """When a story was under one tag, and on that tag's first page.

    `left_front_at` is the start of the first later run that walked the tag without the story
    on page 1; None while it is still there (or no later run looked).
    """

    tag: str
    site: str
    first_seen_at: datetime
    last_seen_at: datetime
    first_on_front_at: datetime | None = None
    last_on_front_at: datetime | None = None
    left_front_at: datetime | None = None
    left_front_run: int | None = None


@dataclass(slots=True)
class Timeline:
    story: dict[str, Any]
    versions: list[dict[str, Any]] = field(default_factory=list)
    sightings: list[dict[str, Any]] = field(default_factory=list)
    tags: list[TagPresence] = field(default_factory=list)
    article: dict[str, Any] | None = None
    article_versions: list[dict[str, Any]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


def timeline(read: StoryReader, url: str) -> Timeline | None:
    """The timeline of the story at `url` (any form of it), or None if it is not archived."""
    story = read.story(canonical_url(url.strip()))
    if story is None:
        return None
    seen = read.sightings(story["id"])
    found = Timeline(story, read.versions(story["id"]), seen)
    found.article = read.article(story["id"])
    found.article_versions = read.article_versions(story["id"])
    found.aliases = read.aliases(story["id"])
    by_tag: dict[int, list[dict[str, Any]]] = {}
    for sighting in seen:
        if sighting["tag_id"] is not None:
            by_tag.setdefault(sighting["tag_id"], []).append(sighting)
    walks = read.tag_walks(by_tag)
    for tag_id, group in by_tag.items():
        presence = TagPresence(
            tag=group[0]["tag"],
            site=group[0]["tag_site"],
            first_seen_at=group[0]["seen_at"],
            last_seen_at=group[-1]["seen_at"],
        )
        front = [s for s in group if s["page_number"] == 1]
        if front:
            presence.first_on_front_at = front[0]["seen_at"]
            presence.last_on_front_at = front[-1]["seen_at"]
            # Walks that began after its last time on page 1: a backfill's sightings come from
            # captures older than the runs before it, so time decides, not the run's number.
            last = front[-1]
            later = [
                w
                for w in walks
                if w["tag_id"] == tag_id
                and w["run_id"] != last["run_id"]
                and w["started_at"] > last["seen_at"]
            ]
            if later:
                presence.left_front_at, presence.left_front_run = (
                    later[0]["started_at"], later[0]["run_id"]
                )  # fmt: skip
        found.tags.append(presence)
    return found
