"""Small synthetic sites written at test time, for pagination edge cases."""

from __future__ import annotations

import shutil
from pathlib import Path

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{tag} | Test Wire</title>{head}</head>
<body class="archive tag"><header class="page-header"><h1 class="page-title">Tag: {tag}</h1></header>
<main>{articles}</main>
<nav class="navigation pagination">{nav}</nav>
</body></html>
"""
ARTICLE = """<article class="post type-post">
<h2 class="entry-title"><a href="{url}">{headline}</a></h2>
<div class="entry-summary"><p>Teaser of {headline}.</p></div>
</article>"""


def listing_html(tag: str, stories: list[str], next_href: str | None, head: str = "") -> str:
    """A WordPress-style listing page: one article per story slug, an optional next link."""
    articles = "\n".join(
        ARTICLE.format(url=f"/{slug}/", headline=slug.replace("-", " ").title()) for slug in stories
    )
    nav = f'<a class="next page-numbers" href="{next_href}">Next</a>' if next_href else ""
    return PAGE.format(tag=tag, head=head, articles=articles, nav=nav)


def write_listing(
    root: Path, path: str, tag: str, stories: list[str], next_href: str | None
) -> None:
    """Write a WordPress-style listing page at `path` (a directory URL) under `root`."""
    folder = root / path.strip("/")
    folder.mkdir(parents=True, exist_ok=True)
    html = listing_html(tag, stories, next_href)
    (folder / "index.html").write_text(html, encoding="utf-8")


def write_chain(
    root: Path, tag_path: str, tag: str, pages: list[list[str]], last_next: str | None = None
) -> None:
    """Pages 1..N of a tag at /tag_path/, /tag_path/page/2/ ...; the last links to `last_next`."""
    for number, stories in enumerate(pages, start=1):
        path = tag_path if number == 1 else f"{tag_path}page/{number}/"
        next_href = f"{tag_path}page/{number + 1}/" if number < len(pages) else last_next
        write_listing(root, path, tag, stories, next_href)


def page_path(tag_path: str, number: int) -> str:
    return tag_path if number == 1 else f"{tag_path}page/{number}/"


def chain_pages(tag_path: str, tag: str, pages: list[list[str]]) -> dict[str, str]:
    """{path: html} of pages 1..N of a tag, each linking to the next (the in-memory write_chain)."""
    return {
        page_path(tag_path, number): listing_html(
            tag, stories, page_path(tag_path, number + 1) if number < len(pages) else None
        )
        for number, stories in enumerate(pages, start=1)
    }


NEWS_ARTICLE = """<article class="post type-post{sticky}">
<h2 class="entry-title"><a href="/{date}/{slug}/">{headline}</a></h2>
<time class="entry-date published" datetime="{date}T09:00:00-05:00">{date}</time>
<div class="entry-summary"><p>{teaser}</p></div>
</article>"""


def write_tag(
    root: Path,
    tag_path: str,
    tag: str,
    stories: list[dict[str, str]],
    per_page: int,
    sticky: dict[str, str] | None = None,
) -> int:
    """A WordPress tag listing of `stories` (newest first, keys slug/headline/teaser/date),
    `per_page` to a page, `sticky` pinned on top of page 1; removes pages of an earlier,
    longer version. Returns the number of pages."""
    pages = [stories[i : i + per_page] for i in range(0, len(stories), per_page)] or [[]]
    for number, entries in enumerate(pages, start=1):
        shown = ([sticky | {"sticky": " sticky"}] if sticky and number == 1 else []) + entries
        articles = "\n".join(NEWS_ARTICLE.format(**({"sticky": ""} | s)) for s in shown)
        next_href = f"{tag_path}page/{number + 1}/" if number < len(pages) else None
        nav = f'<a class="next page-numbers" href="{next_href}">Next</a>' if next_href else ""
        folder = root / (tag_path if number == 1 else f"{tag_path}page/{number}/").strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        html = PAGE.format(tag=tag, head="", articles=articles, nav=nav)
        (folder / "index.html").write_text(html, encoding="utf-8")
    stale = len(pages) + 1
    while (root / f"{tag_path}page/{stale}".strip("/")).exists():
        shutil.rmtree(root / f"{tag_path}page/{stale}".strip("/"))
        stale += 1
    return len(pages)
