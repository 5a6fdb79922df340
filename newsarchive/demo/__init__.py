"""The bundled sample site: a WordPress news site with two overlapping tags, in two states.

The site is "Southern Cone Dispatch" at http://dispatch.example/ (a name that resolves nowhere),
served from 127.0.0.1: the demo's crawls reach it through its server as through an HTTP proxy
(`proxy.DemoProxy`), so its story URLs are the same on every run and every machine. Between
its two states the site publishes three new stories, which push two older ones off the first
page of Peru, and rewrites one headline: what a daily crawl of a real site sees. Each tag has
its RSS feed of its ten newest stories, as WordPress publishes it, for the crawl's second witness.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template

SITE = "http://dispatch.example"
TAGS = {"peru": "Peru", "bolivia": "Bolivia"}
TAG_PATHS = tuple(f"/tag/{slug}/" for slug in TAGS)
START_URLS = tuple(SITE + path for path in TAG_PATHS)
EARLIER, LATER = "earlier", "later"
PAGE_SIZE = 10  # WordPress's default posts per page, and per feed
# Lift the politeness limits: the demo talks only to its own server on 127.0.0.1.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


@dataclass(frozen=True, slots=True)
class DemoStory:
    """A story of the sample site; `added_later` ones appear in its later state only, and one
    story had `earlier_headline` in the earlier state."""

    path: str
    headline: str
    teaser: str
    published: str
    author: str
    tags: tuple[str, ...]
    added_later: bool = False
    earlier_headline: str | None = None

    def headline_in(self, state: str) -> str:
        return (
            self.earlier_headline if state == EARLIER and self.earlier_headline else self.headline
        )


def site_root() -> Path:
    return Path(str(files("newsarchive.demo") / "site"))


@cache
def all_stories() -> tuple[DemoStory, ...]:
    """Every story of the sample site, newest first."""
    records = json.loads((site_root() / "stories.json").read_text(encoding="utf-8"))
    found = [DemoStory(**(record | {"tags": tuple(record["tags"])})) for record in records]
    return tuple(sorted(found, key=lambda s: datetime.fromisoformat(s.published), reverse=True))


def tag_stories(tag: str, state: str) -> list[DemoStory]:
    """The stories the tag lists in `state`, newest first."""
    return [
        story
        for story in all_stories()
        if tag in story.tags and (state == LATER or not story.added_later)
    ]


def content_type(path: str) -> str:
    """The media type of the page at `path`."""
    if path == "/robots.txt":
        return "text/plain"
    return "application/rss+xml" if path.endswith("/feed/") else "text/html"


def render(path: str, state: str) -> bytes | None:
    """The page at `path` in `state`, or None for a page the site does not have."""
    if path == "/robots.txt":
        return (site_root() / "robots.txt").read_bytes()
    parts = path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "tag" and parts[1] in TAGS and parts[2] == "feed":
        return _feed(parts[1], tag_stories(TAGS[parts[1]], state)[:PAGE_SIZE], state).encode()
    if len(parts) not in (2, 4) or parts[0] != "tag" or parts[1] not in TAGS:
        return None
    if len(parts) == 4 and (parts[2] != "page" or not parts[3].isdigit()):
        return None
    page = int(parts[3]) if len(parts) == 4 else 1
    listed = tag_stories(TAGS[parts[1]], state)
    pages = -(-len(listed) // PAGE_SIZE)
    if not 1 <= page <= pages or (len(parts) == 4 and page == 1):
        return None
    shown = listed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return _listing(parts[1], page, pages, shown, state).encode("utf-8")


def _page_url(slug: str, page: int) -> str:
    return f"/tag/{slug}/" if page == 1 else f"/tag/{slug}/page/{page}/"


def _listing(slug: str, page: int, pages: int, shown: list[DemoStory], state: str) -> str:
    tag = TAGS[slug]
    title = f"{tag} Archives" + (f" - Page {page} of {pages}" if page > 1 else "")
    rel = []
    if page > 1:
        rel.append(f'\t<link rel="prev" href="{_page_url(slug, page - 1)}" />')
    if page < pages:
        rel.append(f'\t<link rel="next" href="{_page_url(slug, page + 1)}" />')
    return _template("listing.html").substitute(
        title=escape(f"{title} - Southern Cone Dispatch"),
        canonical=_page_url(slug, page),
        rel_links="\n".join(rel),
        tag=escape(tag),
        slug=slug,
        tag_id=3 if slug == "peru" else 5,
        entries="".join(_entry(story, state) for story in shown),
        pager=_pager(slug, page, pages),
    )


def _feed(slug: str, shown: list[DemoStory], state: str) -> str:
    items = "".join(
        _template("feed-item.xml").substitute(
            site=SITE,
            path=story.path,
            headline=escape(story.headline_in(state)),
            author=story.author,
            published=_rfc822(story.published),
            categories="\n\t\t".join(
                f"<category><![CDATA[{tag}]]></category>" for tag in story.tags
            ),
            post_id=_post_id(story),
            teaser=story.teaser,
        )
        for story in shown
    )
    return _template("feed.xml").substitute(
        tag=escape(TAGS[slug]),
        slug=slug,
        site=SITE,
        built=_rfc822(shown[0].published) if shown else "",
        items=items,
    )


def _rfc822(moment: str) -> str:
    return format_datetime(datetime.fromisoformat(moment).astimezone(UTC))


def _post_id(story: DemoStory) -> int:
    return 9000 + all_stories()[::-1].index(story)


def _entry(story: DemoStory, state: str) -> str:
    published = datetime.fromisoformat(story.published)
    return _template("entry.html").substitute(
        post_id=_post_id(story),
        tag_classes=" ".join(f"tag-{tag.lower()}" for tag in story.tags),
        path=story.path,
        headline=escape(story.headline_in(state)),
        teaser=escape(story.teaser),
        author=escape(story.author),
        author_slug=story.author.lower().replace(" ", "-"),
        published=story.published,
        published_text=f"{published:%B} {published.day}, {published.year}",
        tag_links=", ".join(
            f'<a href="/tag/{tag.lower()}/" rel="tag">{escape(tag)}</a>' for tag in story.tags
        ),
    )


def _pager(slug: str, page: int, pages: int) -> str:
    links = []
    if page > 1:
        links.append(
            f'<a class="prev page-numbers" href="{_page_url(slug, page - 1)}">Previous page</a>'
        )
    for number in range(1, pages + 1):
        label = f'<span class="meta-nav screen-reader-text">Page </span>{number}'
        if number == page:
            links.append(f'<span aria-current="page" class="page-numbers current">{label}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{_page_url(slug, number)}">{label}</a>')
    if page < pages:
        links.append(
            f'<a class="next page-numbers" href="{_page_url(slug, page + 1)}">Next page</a>'
        )
    return "\n".join(links)


@cache
def _template(name: str) -> Template:
    return Template((site_root() / name).read_text(encoding="utf-8"))
