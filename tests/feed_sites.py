"""Tag listings with their feeds and sitemaps, in the markup of each CMS, served on loopback.

Each site lists six stories over three pages, newest first, one story a day from 20 July 2024
back. Its tag feed (RSS or Atom, as the CMS writes it) holds a story the listing hides, stories
1, 3 and 4, and not story 2: story 2 is newer than the feed's oldest entry and missing from it
(the listing alone has it), while stories 5 and 6 are older than anything in the feed. Story 4
shows no date on the listing, so its date can only come from the feed. How the feed is found
differs: WordPress names it in a `<link rel="alternate">`, the others by their CMS's convention
(their pages name only the site's main feed, which is not the tag's). The WordPress site also
has a sitemap index in robots.txt, whose news sitemap dates a listed story and names the tag for
a story neither the listing nor the feed shows. The text is invented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote

from newsarchive.server import serve_handler

TOPICS = (
    "Comunidades campesinas bloquean la carretera",
    "Sindicato docente convoca a huelga nacional",
    "Asamblea indígena rechaza la concesión minera",
    "Cooperativas cafetaleras exigen precio justo",
    "Marcha de mujeres contra los feminicidios",
    "Jubilados protestan frente al Congreso",
)
STORIES = 6
PER_PAGE = 2
UNDATED = 4  # the story whose listing shows no date
NOT_IN_FEED = 2  # newer than the feed's oldest entry, and not in the feed
IN_FEED = (1, 3, 4)
RSS, ATOM, XML = "application/rss+xml", "application/atom+xml", "application/xml"


@dataclass(frozen=True, slots=True)
class Entry:
    number: int  # 1 is the newest; 0 the story only the feed lists
    path: str
    title: str
    teaser: str

    @property
    def published(self) -> str:
        if not self.number:
            return "2024-07-20T12:00:00-05:00"
        return f"2024-07-{21 - self.number:02d}T09:00:00-05:00"

    @property
    def rfc822(self) -> str:
        return format_datetime(datetime.fromisoformat(self.published))


@dataclass
class FeedSite:
    family: str
    start: str
    tag: str
    feed: str  # the tag feed's path
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (type, body)
    entries: list[Entry] = field(default_factory=list)  # the listing's, newest first
    hidden: Entry | None = None  # listed by the feed only


def _page(head: str, body: str, lang: str = "es", title: str = "Etiqueta") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body>{body}</body></html>"
    )


def _time(entry: Entry, html: Callable[[str], str]) -> str:
    return "" if entry.number == UNDATED else html(entry.published)


def wordpress(entries: list[Entry], next_url: str | None) -> str:
    articles = "".join(
        f'<article class="post type-post status-publish hentry tag-peru"><header class="entry-'
        f'header"><h2 class="entry-title"><a href="{e.path}" rel="bookmark">{e.title}</a></h2>'
        f'</header><div class="entry-summary"><p>{e.teaser}</p></div><footer class="entry-footer">'
        + _time(e, lambda d: f'<time class="entry-date published" datetime="{d}">{d[:10]}</time>')
        + "</footer></article>"
        for e in entries
    )
    nav = (
        f'<div class="nav-previous"><a href="{next_url}">Entradas anteriores</a></div>'
        if next_url
        else ""
    )
    head = (
        '<meta name="generator" content="WordPress 6.5">'
        '<link rel="alternate" type="application/rss+xml" title="Red Andina &raquo; Feed" href="/feed/">'
        '<link rel="alternate" type="application/rss+xml" title="Red Andina &raquo; Comentarios" '
        'href="/comments/feed/">'
        '<link rel="alternate" type="application/rss+xml" title="Red Andina &raquo; Perú Etiqueta '
        'Feed" href="/tag/peru/feed/">'
    )
    body = (
        f'<main id="main" class="site-main"><h1 class="page-title">Etiqueta: Perú</h1>{articles}'
        f'<nav class="navigation posts-navigation">{nav}</nav></main>'
    )
    return _page(head, body)


def blogger(entries: list[Entry], next_url: str | None) -> str:
    posts = "".join(
        f"<div class='post-outer'><div class='post hentry'><h3 class='post-title entry-title'>"
        f"<a href='{e.path}'>{e.title}</a></h3><div class='post-body entry-content'>{e.teaser}"
        "</div><div class='post-footer'>"
        + _time(e, lambda d: f"<abbr class='published' title='{d}'>09:00</abbr>")
        + "</div></div></div>"
        for e in entries
    )
    older = (
        f"<a class='blog-pager-older-link' href='{next_url}'>Entradas antiguas</a>"
        if next_url
        else ""
    )
    head = (
        "<meta content='blogger' name='generator'/>"
        "<link rel='alternate' type='application/atom+xml' title='Voces del Altiplano - Atom' "
        "href='/feeds/posts/default'/>"
    )
    body = (
        "<div class='blog-posts hfeed'><div class='date-outer'><div class='date-posts'>"
        f"{posts}</div></div></div><div class='blog-pager' id='blog-pager'>{older}</div>"
    )
    return _page(head, body)


def ghost(entries: list[Entry], next_url: str | None) -> str:
    cards = "".join(
        f'<article class="post-card post"><div class="post-card-content"><a class="post-card-'
        f'content-link" href="{e.path}"><header class="post-card-header"><h2 class="post-card-'
        f'title">{e.title}</h2></header><div class="post-card-excerpt">{e.teaser}</div></a>'
        '<footer class="post-card-meta">'
        + _time(
            e, lambda d: f'<time class="post-card-meta-date" datetime="{d[:10]}">{d[:10]}</time>'
        )
        + "</footer></div></article>"
        for e in entries
    )
    head = (
        '<meta name="generator" content="Ghost 5.88">'
        '<link rel="alternate" type="application/rss+xml" title="Mercosur Hoy" href="/rss/">'
    )
    if next_url:
        head += f'<link rel="next" href="{next_url}">'
    body = f'<main id="site-main"><div class="post-feed">{cards}</div></main>'
    return _page(head, body, "en", "Mercosur - Mercosur Hoy")


def drupal(entries: list[Entry], next_url: str | None) -> str:
    rows = "".join(
        f'<div class="views-row"><article class="node node--type-article node--view-mode-teaser">'
        f'<h2 class="node__title"><a href="{e.path}" rel="bookmark"><span>{e.title}</span></a></h2>'
        '<footer class="node__meta">'
        + _time(
            e,
            lambda d: (
                f'<span class="field--name-created"><time datetime="{d}">{d[:10]}</time></span>'
            ),
        )
        + f'</footer><div class="node__content"><div class="field field--name-body"><p>{e.teaser}'
        "</p></div></div></article></div>"
        for e in entries
    )
    pager = (
        f'<li class="pager__item pager__item--next"><a href="{next_url}" rel="next">'
        '<span class="visually-hidden">Page suivante</span><span aria-hidden="true">››</span>'
        "</a></li>"
        if next_url
        else ""
    )
    head = (
        '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">'
        '<link rel="shortlink" href="/taxonomy/term/7">'
    )
    body = (
        '<main role="main"><h1 class="page-title">Colombie</h1><div class="view view-taxonomy-term">'
        f'<div class="view-content">{rows}</div><nav class="pager"><ul class="pager__items">'
        f"{pager}</ul></nav></div></main>"
    )
    return _page(head, body, "fr")


def rss(entries: list[Entry], origin: str, title: str) -> str:
    items = "".join(
        f'<item><title>{e.title}</title><link>{origin}{e.path}</link><guid isPermaLink="false">'
        f"{e.path}</guid><pubDate>{e.rfc822}</pubDate><dc:creator><![CDATA[Rosa Quispe]]>"
        f"</dc:creator><category><![CDATA[{title}]]></category><description><![CDATA[{e.teaser}]]>"
        "</description></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{title}</title><link>{origin}/</link><description>Notas</description>"
        f"{items}</channel></rss>"
    )


def atom(entries: list[Entry], origin: str, title: str) -> str:
    items = "".join(
        f"<entry><id>tag:blogger.com,1999:post-{e.number}</id><published>{e.published}</published>"
        f"<updated>{e.published}</updated><category term='{title}'/><title type='text'>{e.title}"
        f"</title><summary type='text'>{e.teaser}</summary><link rel='alternate' type='text/html' "
        f"href='{origin}{e.path}' title='{e.title}'/><author><name>Rosa Quispe</name></author>"
        "</entry>"
        for e in entries
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<id>tag:blogger.com,1999:blog-1</id><title type='text'>{title}</title>{items}</feed>"
    )


Builder = Callable[[list[Entry], "str | None"], str]
# family -> listing builder, URL of page N, tag, feed path, feed writer and its type, story path
FAMILIES: dict[str, tuple[Builder, Callable[[int], str], str, str, Callable, str, str]] = {
    "wordpress": (wordpress, lambda n: "/tag/peru/" if n == 1 else f"/tag/peru/page/{n}/",
                  "Perú", "/tag/peru/feed/", rss, RSS, "/2024/07/{slug}/"),
    "blogger": (blogger, lambda n: "/search/label/Bolivia" if n == 1 else f"/search/label/Bolivia?updated-max=2024-07-{22 - 2 * n}T10:00:00-05:00&max-results=2",
                "Bolivia", "/feeds/posts/default/-/Bolivia", atom, ATOM, "/2024/07/{slug}.html"),
    "ghost": (ghost, lambda n: "/tag/mercosur/" if n == 1 else f"/tag/mercosur/page/{n}/",
              "Mercosur", "/tag/mercosur/rss/", rss, RSS, "/{slug}/"),
    "drupal": (drupal, lambda n: "/etiquettes/colombie" if n == 1 else f"/etiquettes/colombie?page={n - 1}",
               "Colombie", "/taxonomy/term/7/feed", rss, RSS, "/actualites/{slug}"),
}  # fmt: skip


def build(family: str, origin: str) -> FeedSite:
    """The listing, feed and (for WordPress) sitemaps of one family's site at `origin`."""
    builder, page_url, tag, feed_path, feed_writer, feed_type, story_path = FAMILIES[family]
    entries = [
        Entry(n, story_path.format(slug=f"{family}-nota-{n}"), f"{TOPICS[n - 1]} ({family} {n})",
              f"Resumen inventado de la nota {n}.")
        for n in range(1, STORIES + 1)
    ]  # fmt: skip
    hidden = Entry(0, story_path.format(slug=f"{family}-solo-en-el-feed"),
                   f"Una nota que la etiqueta no muestra ({family})", "Solo el feed la lista.")  # fmt: skip
    site = FeedSite(family, page_url(1), tag, feed_path, entries=entries, hidden=hidden)
    pages = [entries[i : i + PER_PAGE] for i in range(0, STORIES, PER_PAGE)]
    for number, shown in enumerate(pages, start=1):
        next_url = page_url(number + 1) if number < len(pages) else None
        site.pages[page_url(number)] = ("text/html; charset=utf-8", builder(shown, next_url))
    in_feed = [hidden, *(entries[n - 1] for n in IN_FEED)]
    site.pages[feed_path] = (feed_type, feed_writer(in_feed, origin, tag))
    if family == "wordpress":
        site.pages.update(sitemaps(origin, entries))
    return site


# The sitemap-only story: a news sitemap entry whose keywords name the WordPress tag.
SITEMAP_ONLY = "/2024/07/wordpress-solo-en-el-sitemap/"


def sitemaps(origin: str, entries: list[Entry]) -> dict[str, tuple[str, str]]:
    """robots.txt naming a sitemap index, which names a post sitemap and a news sitemap."""
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{origin}/post-sitemap.xml</loc></sitemap>"
        f"<sitemap><loc>{origin}/news-sitemap.xml</loc></sitemap></sitemapindex>"
    )
    posts = "".join(
        f"<url><loc>{origin}{e.path}</loc><lastmod>2024-07-25T08:00:00-05:00</lastmod></url>"
        for e in entries
    )
    news = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{origin}{entries[0].path}</loc><news:news><news:publication><news:name>Red "
        "Andina</news:name><news:language>es</news:language></news:publication>"
        f"<news:publication_date>{entries[0].published}</news:publication_date><news:title>"
        f"{entries[0].title}</news:title><news:keywords>Perú, Minería</news:keywords></news:news>"
        f"</url><url><loc>{origin}{SITEMAP_ONLY}</loc><news:news><news:publication><news:name>"
        "Red Andina</news:name><news:language>es</news:language></news:publication>"
        "<news:publication_date>2024-07-20T15:00:00-05:00</news:publication_date><news:title>"
        "Una nota que solo el sitemap lista</news:title><news:keywords>Perú</news:keywords>"
        f"</news:news></url><url><loc>{origin}/2024/07/otra-etiqueta/</loc><news:news>"
        "<news:publication><news:name>Red Andina</news:name><news:language>es</news:language>"
        "</news:publication><news:publication_date>2024-07-20</news:publication_date>"
        "<news:title>Una nota de otro tema</news:title><news:keywords>Economía</news:keywords>"
        "</news:news></url></urlset>"
    )
    return {
        "/robots.txt": (
            "text/plain",
            f"User-agent: *\nDisallow:\n\nSitemap: {origin}/sitemap_index.xml\n",
        ),
        "/sitemap_index.xml": (XML, index),
        "/post-sitemap.xml": (
            XML,
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{posts}</urlset>',
        ),
        "/news-sitemap.xml": (XML, news),
    }


@contextmanager
def serve_site(pages: dict[str, tuple[str, str | bytes]]) -> Iterator[str]:
    """Serve `pages` (path with query -> (content type, body)) on loopback; 404 otherwise. The
    dict may be filled after the server starts (pages that name their own origin)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            kind, body = pages.get(unquote(self.path), ("text/plain", "not found"))
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(200 if unquote(self.path) in pages else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serve_handler(Handler) as base:
        yield base
