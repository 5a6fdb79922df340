"""`newsarchive history URL`: a story's timeline: versions, tags, sightings and their WARC records."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, open_archive
from newsarchive.files import json_default
from newsarchive.storage.columns import TRACKED_FIELDS

if TYPE_CHECKING:
    from newsarchive.storage.history import Timeline


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "history",
        help="show a story's timeline: earlier headlines, tags, page-1 time, sightings",
        description="Show how a story changed and where and when each crawl saw it.",
    )
    parser.add_argument("url", metavar="URL", help="the story's URL")
    add_db(parser)
    parser.add_argument("--json", action="store_true", help="print the timeline as JSON")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        found = archive.read.timeline(args.url)
    if found is None:
        raise CLIError(f"not in the archive: {args.url}", CLIError.USAGE)
    if args.json:
        print(json.dumps(asdict(found), ensure_ascii=False, indent=2, default=json_default))
    else:
        print("\n".join(render(found)))
    return 0


def render(found: Timeline) -> list[str]:
    story = found.story
    lines = [
        story["headline"],
        story["url"],
        f"published {story['published_at'] or 'unknown'} · first seen {_when(story['first_seen_at'])}"
        f" (run {story['first_run_id']}) · last seen {_when(story['last_seen_at'])}",
    ]
    if found.versions:
        lines += ["", "Versions (oldest first)"]
        states = [*found.versions, {**story, "first_seen_at": found.versions[-1]["replaced_at"]}]
        changed = [name for name in TRACKED_FIELDS if len({state[name] for state in states}) > 1]
        for state in states:
            if state is states[-1]:
                lines.append(f"  since {_when(state['first_seen_at'])} (current)")
            else:
                lines.append(f"  {_when(state['first_seen_at'])} to {_when(state['last_seen_at'])}")
            lines += [f"    {name}: {state[name] or '-'}" for name in changed]
    for presence in found.tags:
        lines += ["", f"Tag {presence.tag} ({presence.site})"]
        lines.append(
            f"  listed from {_when(presence.first_seen_at)} to {_when(presence.last_seen_at)}"
        )
        if presence.first_on_front_at:
            front = (
                f"  on page 1 from {_when(presence.first_on_front_at)}"
                f" to {_when(presence.last_on_front_at)}"
            )
            if presence.left_front_at:
                front += f"; off page 1 by {_when(presence.left_front_at)} (run {presence.left_front_run})"
            lines.append(front)
        else:
            lines.append("  never seen on page 1")
    lines += _article(found)
    lines += ["", "Sightings"]
    for s in found.sightings:
        lines.append(
            f"  {_when(s['seen_at'])}  run {s['run_id']}  {s['tag'] or '-'}  "
            f"page {s['page_number']} #{s['position']}  {_bytes(s)}"
        )
        if s["replay_url"]:
            lines.append(f"    captured by a web archive, read from {s['replay_url']}")
    return lines


def _bytes(sighting: dict) -> str:
    """Where a sighting's page is: its WARC record, and the response a revisit stands for."""
    if not sighting["warc_file"]:
        return "no WARC record"
    where = f"{sighting['warc_file']} @ {sighting['warc_offset']}"
    if sighting["warc_record"] == "revisit" and sighting["original_warc_file"]:
        where += (
            f" (unchanged: revisit of {sighting['original_warc_file']}"
            f" @ {sighting['original_warc_offset']})"
        )
    return where


def _article(found: Timeline) -> list[str]:
    """The story's article: how it answered last, what it says, and what changed when."""
    article = found.article
    lines = ["", *(f"Also listed as {url}" for url in found.aliases)] if found.aliases else []
    if article is None:
        return lines
    lines += ["", f"Article ({article['status']}, last fetched {_when(article['fetched_at'])})"]
    if article["reason"]:
        lines.append(f"  {article['reason']}")
    facts = [
        ("title", article["title"]),
        ("published", article["published_at"]),
        ("modified", article["modified_at"]),
        ("authors", article["authors"]),
        ("section", article["section"]),
        ("tags", article["tags"]),
        ("language", article["language"]),
        ("canonical", article["canonical_url"]),
        ("text", f"{article['words']} words" if article["words"] else None),
        ("filled in the story", article["filled"]),
    ]
    lines += [f"  {name}: {value}" for name, value in facts if value]
    if found.article_versions:
        lines.append("  Changes (oldest first)")
    for version in found.article_versions:
        size = f", {version['words_changed']} words changed" if version["words_changed"] else ""
        where = (
            f"  {version['warc_file']} @ {version['warc_offset']}" if version["warc_file"] else ""
        )
        lines.append(
            f"    {_when(version['fetched_at'])}  run {version['run_id']}  {version['kind']}{size}{where}"
        )
        if version["kind"] == "title":
            lines.append(f"      title: {version['title']}")
    return lines


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "-"
