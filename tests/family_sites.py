"""Multi-page tag listings in the markup of each CMS family, served from memory on loopback.

Each site has three pages of two stories, linked the way its CMS paginates (WordPress
/page/N/, Drupal ?page=N zero-based, Joomla ?start=N, Blogger updated-max, Ghost rel=next…),
so a crawl must follow each family's own pagination to its last page. The text is invented.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

PAGES = 3
PER_PAGE = 2
TOPICS = (
    "Comunidades campesinas bloquean la carretera",
    "Sindicato docente convoca a huelga nacional",
    "Asamblea indígena rechaza la concesión minera",
    "Cooperativas cafetaleras exigen precio justo",
    "Marcha de mujeres contra los feminicidios",
    "Jubilados protestan frente al Congreso",
)


@dataclass
class Site:
    family: str
    start: str
    pages: dict[str, str] = field(default_factory=dict)
    stories: list[str] = field(default_factory=list)  # paths of every story, in order


def _story(family: str, page: int, index: int) -> tuple[str, str, str]:
    number = (page - 1) * PER_PAGE + index
    title = f"{TOPICS[number % len(TOPICS)]} ({family} {number + 1})"
    slug = f"{family}-nota-{number + 1}"
    return slug, title, f"Resumen inventado de la nota {number + 1} sobre {TOPICS[number % 6]}."


def _page(head: str, body: str, lang: str = "es") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Etiqueta</title>'
        f"{head}</head><body>{body}</body></html>"
    )


def wordpress(page: int, next_url: str | None) -> tuple[str, list[str]]:
    entries, paths = [], []
    for index in range(PER_PAGE):
        slug, title, teaser = _story("wordpress", page, index)
        path = f"/2024/07/{10 + index:02d}/{slug}/"
        paths.append(path)
        entries.append(
            f'<article id="post-{page}{index}" class="post type-post status-publish hentry tag-peru">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{path}" rel="bookmark">'
            f'{title}</a></h2></header><div class="entry-summary"><p>{teaser}</p></div>'
            f'<footer class="entry-footer"><span class="posted-on"><time class="entry-date published"'
            f' datetime="2024-07-{10 + index:02d}T10:00:00-05:00">julio {10 + index}, 2024</time>'
            "</span></footer></article>"
        )
    nav = (
        f'<div class="nav-previous"><a href="{next_url}">Entradas anteriores</a></div>'
        if next_url
        else ""
    )
    body = (
        '<main id="main" class="site-main"><h1 class="page-title">Etiqueta: Perú</h1>'
        f'{"".join(entries)}<nav class="navigation posts-navigation">{nav}</nav></main>'
        '<aside class="widget-area"><section class="widget widget_recent_entries"><ul>'
        '<li><a href="/2023/01/01/otra-nota/">Una nota vieja que no es de esta etiqueta</a></li>'
        "</ul></section></aside>"
    )
    return _page('<meta name="generator" content="WordPress 6.5">', body), paths


def wordpress_blocks(page: int, next_url: str | None) -> tuple[str, list[str]]:
    entries, paths = [], []
    for index in range(PER_PAGE):
        slug, title, teaser = _story("blocks", page, index)
        path = f"/{slug}/"
        paths.append(path)
        entries.append(
            f'<li class="wp-block-post post type-post"><h2 class="wp-block-post-title"><a href="{path}">'
            f'{title}</a></h2><div class="wp-block-post-date"><time datetime="2024-07-0{index + 1}">'
            f'1 de julho de 2024</time></div><div class="wp-block-post-excerpt"><p class="wp-block-post-'
            f'excerpt__excerpt">{teaser}</p></div></li>'
        )
    nav = (
        f'<a href="{next_url}" class="wp-block-query-pagination-next">Próxima página</a>'
        if next_url
        else ""
    )
    body = (
        '<main class="wp-block-group"><div class="wp-block-query"><ul class="wp-block-post-template">'
        f'{"".join(entries)}</ul><nav class="wp-block-query-pagination">{nav}</nav></div></main>'
    )
    return _page("", body, "pt-BR"), paths


def drupal(page: int, next_url: str | None) -> tuple[str, list[str]]:
    entries, paths = [], []
    for index in range(PER_PAGE):
        slug, title, teaser = _story("drupal", page, index)
        path = f"/actualites/{slug}"
        paths.append(path)
        entries.append(
            f'<div class="views-row"><article class="node node--type-article node--view-mode-teaser">'
            f'<h2 class="node__title"><a href="{path}" rel="bookmark"><span>{title}</span></a></h2>'
            f'<div class="node__content"><div class="field field--name-body"><p>{teaser}</p></div>'
            "</div></article></div>"
        )
    pager = (
        '<li class="pager__item pager__item--next"><a href="' + next_url + '" rel="next" '
        'title="Aller à la page suivante"><span class="visually-hidden">Page suivante</span>'
        '<span aria-hidden="true">››</span></a></li>'
        if next_url
        else ""
    )
    body = (
        '<main role="main"><div class="view view-taxonomy-term"><div class="view-content">'
        f'{"".join(entries)}</div><nav class="pager"><ul class="pager__items">{pager}</ul></nav>'
        "</div></main>"
    )
    return _page(
        '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">', body, "fr"
    ), paths


def ghost(page: int, next_url: str | None) -> tuple[str, list[str]]:
    entries, paths = [], []
    for index in range(PER_PAGE):
        slug, title, teaser = _story("ghost", page, index)
        path = f"/{slug}/"
        paths.append(path)
        entries.append(
            f'<article class="post-card post"><div class="post-card-content"><a class="post-card-content-'
            f'link" href="{path}"><header class="post-card-header"><h2 class="post-card-title">{title}'
            f'</h2></header><div class="post-card-excerpt">{teaser}</div></a><footer class="post-card-'
            f'meta"><time class="post-card-meta-date" datetime="2024-07-2{index}">Jul 2{index}, 2024'
            "</time></footer></div></article>"
        )
    head = '<meta name="generator" content="Ghost 5.88">'
    if next_url:
        head += f'<link rel="next" href="{next_url}">'
    body = f'<main id="site-main"><div class="post-feed">{"".join(entries)}</div></main>'
    return _page(head, body, "en"), paths


def blogger(page: int, next_url: str | None) -> tuple[str, list[str]]:
    entries, paths = [], []
    for index in range(PER_PAGE):
        slug, title, teaser = _story("blogger", page, index)
        path = f"/2024/07/{slug}.html"
        paths.append(path)
        entries.append(
            f"<div class='post-outer'><div class='post hentry'><h3 class='post-title entry-title'>"
            f"<a href='{path}'>{title}</a></h3><div class='post-body entry-content'>{teaser}</div>"
            f"<div class='post-footer'><abbr class='published' title='2024-07-1{index}T10:00:00-04:00'>"
            "10:00</abbr></div></div></div>"
        )
    newer = "<a class='blog-pager-newer-link' href='/search/label/Bolivia?updated-max=2024-08-01T00:00:00-04:00&amp;max-results=2&amp;reverse-paginate=true'>Entradas más recientes</a>"
    older = (
        f"<a class='blog-pager-older-link' href='{next_url}'>Entradas antiguas</a>"
        if next_url
        else ""
    )
    body = (
        f"<div class='blog-posts hfeed'><div class='date-outer'><div class='date-posts'>"
        f"{''.join(entries)}</div></div></div><div class='blog-pager' id='blog-pager'>"
        f"{newer if page > 1 else ''}{older}</div>"
    )
    return _page("<meta content='blogger' name='generator'/>", body), paths


def hugo(page: int, next_url: str | None) -> tuple[str, list[str]]:
    entries, paths = [], []
    for index in range(PER_PAGE):
        slug, title, teaser = _story("hugo", page, index)
        path = f"/posts/{slug}/"
        paths.append(path)
        entries.append(
            f'<article class="post-entry"><header class="entry-header"><h2>{title}</h2></header>'
            f'<div class="entry-content"><p>{teaser}</p></div><footer class="entry-footer"><span>'
            f'{index + 3}. Juli 2024</span></footer><a class="entry-link" aria-label="post link to '
            f'{title}" href="{path}"></a></article>'
        )
    nav = f'<a class="next" href="{next_url}">Nächste Seite »</a>' if next_url else ""
    body = f'<main class="main">{"".join(entries)}<footer class="page-footer"><nav class="pagination">{nav}</nav></footer></main>'
    return _page('<meta name="generator" content="Hugo 0.128.0">', body, "de"), paths


def joomla(page: int, next_url: str | None) -> tuple[str, list[str]]:
    rows, paths = [], []
    for index in range(PER_PAGE):
        slug, title, _ = _story("joomla", page, index)
        path = f"/index.php/notizie/{page}{index}-{slug}"
        paths.append(path)
        rows.append(
            f'<tr class="cat-list-row{index % 2}"><td headers="categorylist_header_title" '
            f'class="list-title"><a href="{path}">{title}</a></td><td class="list-date small">'
            f"1{index}-07-2024</td></tr>"
        )
    nav = (
        f'<li><a title="Avanti" href="{next_url}" class="pagenav">Avanti</a></li>'
        if next_url
        else ""
    )
    body = (
        '<div class="category-list"><form id="adminForm" name="adminForm" method="post">'
        f'<table class="category table table-striped"><tbody>{"".join(rows)}</tbody></table>'
        f'<div class="pagination"><ul><li class="active"><a>{page}</a></li>{nav}</ul></div>'
        "</form></div>"
    )
    return _page(
        '<meta name="generator" content="Joomla! - Open Source Content Management">', body, "it"
    ), paths


Builder = Callable[[int, "str | None"], tuple[str, list[str]]]
# family -> (builder, URL of page N)
FAMILIES: dict[str, tuple[Builder, Callable[[int], str]]] = {
    "wordpress": (wordpress, lambda n: "/tag/peru/" if n == 1 else f"/tag/peru/page/{n}/"),
    "wordpress-blocks": (wordpress_blocks, lambda n: f"/tag/amazonia/page/{n}/" if n > 1 else "/tag/amazonia/"),
    "drupal": (drupal, lambda n: "/etiquettes/colombie" if n == 1 else f"/etiquettes/colombie?page={n - 1}"),
    "ghost": (ghost, lambda n: "/tag/mercosur/" if n == 1 else f"/tag/mercosur/page/{n}/"),
    "blogger": (blogger, lambda n: "/search/label/Bolivia" if n == 1 else f"/search/label/Bolivia?updated-max=2024-07-{30 - n}T10:00:00-04:00&max-results=2"),
    "hugo-jekyll": (hugo, lambda n: "/tags/klima/" if n == 1 else f"/tags/klima/page/{n}/"),
    "joomla": (joomla, lambda n: "/index.php/notizie" if n == 1 else f"/index.php/notizie?start={(n - 1) * PER_PAGE}"),
}  # fmt: skip


def build_sites() -> dict[str, Site]:
    sites = {}
    for family, (builder, page_url) in FAMILIES.items():
        site = Site(family=family, start=page_url(1))
        for number in range(1, PAGES + 1):
            next_url = page_url(number + 1) if number < PAGES else None
            html, paths = builder(number, next_url)
            site.pages[page_url(number)] = html
            site.stories += paths
        sites[family] = site
    return sites


@contextmanager
def serve_pages(pages: dict[str, str]) -> Iterator[str]:
    """Serve `pages` (path with query -> HTML) on a free loopback port; 404 for anything else."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            html = pages.get(unquote(self.path))
            body = (html or "not found").encode("utf-8")
            self.send_response(200 if html is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
