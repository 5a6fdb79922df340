"""A deterministic benchmark site: 100 tags x 20 pages x 20 stories in a classic WordPress theme.

Each story is listed under 3 tags; pages carry the boilerplate of a real theme (menus, sidebar
widgets, footer) to weigh about 55 KB. `generate(root)` writes the site and returns the truth.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

TAGS = 100
PAGES = 20
PER_PAGE = 20
TAGS_PER_STORY = 3
SLOTS = TAGS * PAGES * PER_PAGE
START = datetime(2024, 9, 30, 18, 0, tzinfo=UTC)

PLACES = (
    "Lima Cusco Puno Arequipa Oruro Potosí Cochabamba Quito Cuenca Bogotá Medellín Cali".split()
)
ACTORS = (
    "Teachers", "Miners", "Farmworkers", "Nurses", "Dockworkers", "Students", "Indigenous Councils",
    "Water Committees", "Transport Unions", "Street Vendors", "Rural Rondas", "Textile Workers",
)  # fmt: skip
ACTIONS = (
    "Block Highways Over", "March Against", "Occupy Plaza To Protest", "Launch Strike Over",
    "Win Concessions On", "Demand Inquiry Into", "Reject Decree On", "Hold Assembly On",
)  # fmt: skip
ISSUES = (
    "Lithium Contracts", "Water Privatization", "Pension Cuts", "Police Repression", "Fuel Prices",
    "Mining Permits", "Land Titles", "Wage Freeze", "Debt Deal", "Port Concession",
)  # fmt: skip
AUTHORS = ("Ana Quispe", "Rodrigo Mamani", "Lucía Huamán", "Diego Condori", "Valeria Ccori")
WORDS = (
    "the assembly voted to continue the mobilization until the ministry answers in writing "
    "while regional leaders said the government had ignored every agreement signed last year "
    "and residents organized community kitchens to sustain the strikers through the week"
).split()


@dataclass(frozen=True, slots=True)
class Story:
    number: int
    slug: str
    headline: str
    teaser: str
    published: datetime
    author: str


def story(number: int) -> Story:
    rng = random.Random(number)
    headline = (
        f"{rng.choice(PLACES)} {rng.choice(ACTORS)} {rng.choice(ACTIONS)} {rng.choice(ISSUES)}"
        f" ({number})"
    )
    teaser = " ".join(rng.choice(WORDS) for _ in range(45)).capitalize() + "."
    slug = headline.lower().replace(" ", "-").replace("(", "").replace(")", "")
    published = START - timedelta(hours=number)
    return Story(number, slug, headline, teaser, published, rng.choice(AUTHORS))


def tag_name(tag: int) -> str:
    return f"Topic {tag:03d}"


def tag_slug(tag: int) -> str:
    return f"topic-{tag:03d}"


def listing(tag: int) -> list[int]:
    """Story numbers of a tag, newest first: slot s belongs to tag s % TAGS and story s // 3."""
    return [slot // TAGS_PER_STORY for slot in range(tag, SLOTS, TAGS)]


def page_url(tag: int, page: int) -> str:
    return f"/tag/{tag_slug(tag)}/" + (f"page/{page}/" if page > 1 else "")


def story_url(item: Story) -> str:
    return f"/{item.published:%Y/%m}/{item.slug}/"


HEAD = """<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{tag} Archives - Andean Labour Wire</title>
<meta name="robots" content="index, follow, max-image-preview:large">
<link rel="canonical" href="{canonical}">
{rel_links}
<meta property="og:locale" content="en_US">
<meta property="og:type" content="article">
<meta property="og:title" content="{tag} Archives - Andean Labour Wire">
<link rel="stylesheet" id="wp-block-library-css" href="/wp-includes/css/dist/block-library/style.min.css?ver=6.4.3" media="all">
<link rel="stylesheet" id="twentysixteen-style-css" href="/wp-content/themes/twentysixteen/style.css?ver=20231107" media="all">
<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<script type="application/ld+json" class="yoast-schema-graph">{schema}</script>
<style>{style}</style>
</head>
"""
STYLE = "".join(
    f".widget-{n} a{{color:#{n:06x};text-decoration:none}} .menu-item-{n}{{margin:0 {n % 9}px}}\n"
    for n in range(40)
)


def menu() -> str:
    items = "".join(
        f'<li id="menu-item-{n}" class="menu-item menu-item-type-taxonomy menu-item-{n}">'
        f'<a href="/category/section-{n}/">Section {n}</a></li>\n'
        for n in range(40)
    )
    return (
        '<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">'
        'Skip to content</a>\n<header id="masthead" class="site-header"><div class="site-branding">'
        '<p class="site-title"><a href="/" rel="home">Andean Labour Wire</a></p></div>\n'
        '<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu">'
        f'<ul id="menu-primary" class="primary-menu">{items}</ul></nav></header>\n'
    )


def article(item: Story, tag: int) -> str:
    return f"""<article id="post-{item.number}" class="post-{item.number} post type-post status-publish format-standard has-post-thumbnail hentry category-news tag-{tag_slug(tag)}">
	<header class="entry-header">
		<h2 class="entry-title"><a href="{story_url(item)}" rel="bookmark">{item.headline}</a></h2>
	</header><!-- .entry-header -->
	<a class="post-thumbnail" href="{story_url(item)}" aria-hidden="true">
		<img width="1200" height="675" src="/wp-content/uploads/{item.published:%Y/%m}/{item.slug}-1200x675.jpg" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async" loading="lazy">
	</a>
	<div class="entry-summary">
		<p>{item.teaser}</p>
	</div><!-- .entry-summary -->
	<footer class="entry-footer">
		<span class="byline"><span class="author vcard"><span class="screen-reader-text">Author </span><a class="url fn n" href="/author/{item.author.split()[0].lower()}/">{item.author}</a></span></span><span class="posted-on"><span class="screen-reader-text">Posted on </span><a href="{story_url(item)}" rel="bookmark"><time class="entry-date published updated" datetime="{item.published.isoformat()}">{item.published:%B %d, %Y}</time></a></span>
	</footer><!-- .entry-footer -->
</article><!-- #post-{item.number} -->
"""


def sidebar(tag: int) -> str:
    recent = "".join(
        f'<li><a href="{story_url(story(n))}">{story(n).headline}</a></li>\n' for n in range(10)
    )
    cloud = "".join(
        f'<a href="/tag/{tag_slug(t)}/" class="tag-cloud-link tag-link-{t}" '
        f'style="font-size: {8 + t % 14}pt;">{tag_name(t)}</a>\n'
        for t in range(0, TAGS, 2)
    )
    archives = "".join(
        f'<li><a href="/2024/{m:02d}/">Month {m}, 2024</a></li>\n' for m in range(1, 13)
    )
    return (
        '<aside id="secondary" class="sidebar widget-area">\n'
        '<section id="recent-posts-2" class="widget widget_recent_entries">'
        f'<h2 class="widget-title">Recent Posts</h2><nav aria-label="Recent Posts"><ul>{recent}'
        "</ul></nav></section>\n"
        '<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Tags'
        f'</h2><div class="tagcloud">{cloud}</div></section>\n'
        '<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives'
        f"</h2><ul>{archives}</ul></section>\n</aside>\n"
    )


def pager(tag: int, page: int) -> str:
    links = []
    if page > 1:
        links.append(
            f'<a class="prev page-numbers" href="{page_url(tag, page - 1)}">Previous page</a>'
        )
    for n in range(1, PAGES + 1):
        if n == page:
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        elif abs(n - page) <= 2 or n in (1, PAGES):
            links.append(f'<a class="page-numbers" href="{page_url(tag, n)}">{n}</a>')
    if page < PAGES:
        links.append(f'<a class="next page-numbers" href="{page_url(tag, page + 1)}">Next page</a>')
    return (
        '<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">'
        f'Posts navigation</h2><div class="nav-links">{" ".join(links)}</div></nav>\n'
    )


def footer() -> str:
    links = "".join(f'<li><a href="/about/page-{n}/">About page {n}</a></li>' for n in range(25))
    return (
        '<footer id="colophon" class="site-footer"><nav class="social-navigation" '
        f'aria-label="Footer Links Menu"><ul class="social-links-menu">{links}</ul></nav>'
        '<div class="site-info"><span class="site-title"><a href="/" rel="home">Andean Labour Wire'
        "</a></span></div></footer></div>\n"
    )


def page_html(tag: int, page: int, numbers: list[int]) -> str:
    rel = []
    if page > 1:
        rel.append(f'<link rel="prev" href="{page_url(tag, page - 1)}">')
    if page < PAGES:
        rel.append(f'<link rel="next" href="{page_url(tag, page + 1)}">')
    schema = json.dumps(
        {"@context": "https://schema.org", "@graph": [{"@type": "CollectionPage",
         "name": f"{tag_name(tag)} Archives", "url": page_url(tag, page)}]}
    )  # fmt: skip
    head = HEAD.format(
        tag=tag_name(tag), canonical=page_url(tag, page), rel_links="\n".join(rel),
        schema=schema, style=STYLE,
    )  # fmt: skip
    articles = "".join(article(story(n), tag) for n in numbers)
    return (
        f'{head}<body class="archive tag tag-{tag_slug(tag)} tag-{tag} wp-embed-responsive">\n'
        f"{menu()}"
        '<div id="content" class="site-content"><div id="primary" class="content-area">'
        '<main id="main" class="site-main">\n<header class="page-header"><h1 class="page-title">'
        f"Tag: <span>{tag_name(tag)}</span></h1></header>\n{articles}{pager(tag, page)}</main></div>"
        f"{sidebar(tag)}</div>{footer()}</body></html>\n"
    )


def generate(root: Path) -> dict:
    """Write the site under `root` (skipped when already there) and return its ground truth."""
    marker = root / "truth.json"
    if marker.exists():
        return json.loads(marker.read_text(encoding="utf-8"))
    truth: dict[str, dict] = {}
    for tag in range(TAGS):
        numbers = listing(tag)
        for page in range(1, PAGES + 1):
            chunk = numbers[(page - 1) * PER_PAGE : page * PER_PAGE]
            folder = root / page_url(tag, page).strip("/")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "index.html").write_text(page_html(tag, page, chunk), encoding="utf-8")
            for n in chunk:
                item = story(n)
                entry = truth.setdefault(story_url(item), {"headline": item.headline, "tags": []})
                entry["tags"].append(tag_name(tag))
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /wp-admin/\n")
    marker.write_text(json.dumps(truth), encoding="utf-8")
    return truth


def start_paths() -> list[str]:
    return [page_url(tag, 1) for tag in range(TAGS)]
