"""Feeds and sitemaps as a second witness of each listing.

First the pure parts (finding a listing's feed, reading feeds and sitemaps), then the archive's
record of them (which entries are kept, how they date a story), then crawls of loopback sites
in the markup of WordPress, Blogger, Ghost and Drupal, whose feeds hold a story the listing
hides and lack one it shows; a malformed and a huge feed are warnings, never a failed run.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from parsel import Selector
from sqlalchemy import text
from warcio.archiveiterator import ArchiveIterator

from newsarchive.extract import extract_listing
from newsarchive.extract.feeds import FeedLink, parse_feed, parse_sitemap
from newsarchive.items import FeedEntry, FeedFetch, ListingWalk
from newsarchive.status import WalkEnd, WalkMode
from newsarchive.storage import Archive
from newsarchive.views.browse.completeness import COVERAGE_SQL
from tests.feed_sites import (
    FAMILIES,
    IN_FEED,
    NOT_IN_FEED,
    SITEMAP_ONLY,
    UNDATED,
    build,
    rss,
    serve_site,
)
from tests.helpers import FAST, rows, run_cli, stored, story

WORDPRESS_HEAD = """<html><head><meta name="generator" content="WordPress 6.5">
<link rel="alternate" type="application/rss+xml" title="Red Andina &raquo; Feed" href="/feed/">
<link rel="alternate" type="application/rss+xml" title="Red Andina &raquo; Comentarios" href="/comments/feed/">
<link rel="alternate" type="application/rss+xml" title="Red Andina &raquo; Perú Etiqueta Feed" href="{href}">
</head><body><h1 class="page-title">Etiqueta: Perú</h1></body></html>"""


def feeds_of(html: str, url: str) -> list[FeedLink]:
    return extract_listing(Selector(text=html), url).feeds


def test_the_listing_names_its_own_feed_not_the_sites_or_the_comments() -> None:
    url = "https://red.example/tag/peru/"
    assert feeds_of(WORDPRESS_HEAD.format(href="/tag/peru/feed/"), url) == [
        FeedLink("https://red.example/tag/peru/feed/", "link")
    ]
    # A feed elsewhere is the tag's by its name; the convention is still tried after it.
    assert feeds_of(WORDPRESS_HEAD.format(href="/rss/etiquetas/peru.xml"), url) == [
        FeedLink("https://red.example/rss/etiquetas/peru.xml", "link"),
        FeedLink("https://red.example/tag/peru/feed/", "wordpress"),
    ]


@pytest.mark.parametrize(
    ("head", "url", "feed", "found_by"),
    [
        ('<meta name="generator" content="Ghost 5.88"><link rel="alternate" '
         'type="application/rss+xml" href="/rss/">', "https://g.example/tag/mercosur/",
         "https://g.example/tag/mercosur/rss/", "ghost"),
        ("<link rel='alternate' type='application/atom+xml' href='/feeds/posts/default'/>",
         "https://b.example/search/label/Bolivia", "https://b.example/feeds/posts/default/-/Bolivia",
         "blogger"),
        ('<meta name="Generator" content="Drupal 10"><link rel="shortlink" href="/taxonomy/term/12">',
         "https://d.example/etiquettes/colombie", "https://d.example/taxonomy/term/12/feed", "drupal"),
        ("", "https://w.example/category/economia/", "https://w.example/category/economia/feed/",
         "wordpress"),
    ],
    ids=["ghost", "blogger", "drupal", "wordpress-by-url"],
)  # fmt: skip
def test_without_a_link_the_cms_convention_names_the_tag_feed(
    head: str, url: str, feed: str, found_by: str
) -> None:
    assert feeds_of(f"<html><head>{head}</head><body></body></html>", url) == [
        FeedLink(feed, found_by)
    ]


def test_a_page_that_says_nothing_of_its_feed_gets_no_guess() -> None:
    assert feeds_of("<html><head></head><body></body></html>", "https://x.example/temas/peru") == []


def test_feeds_keep_the_offset_the_author_and_the_original_link() -> None:
    body = (
        rss([], "https://red.example", "Perú")
        .replace(
            "<title>Perú</title>",
            "<title>Perú</title><item><title>Nota</title><link>https://feeds.example/~r/x</link>"
            "<feedburner:origLink>https://red.example/2024/07/nota/</feedburner:origLink>"
            "<pubDate>Fri, 19 Jul 2024 09:00:00 -0500</pubDate><dc:creator>Ana Mamani</dc:creator>"
            "</item>",
        )
        .replace("<rss ", '<rss xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0" ')
    )
    found = parse_feed(body.encode(), "https://red.example/tag/peru/feed/", 10, RSS_TYPE)
    assert (found.format, found.problem, found.left_out) == ("rss20", None, 0)
    assert found.entries == [
        FeedEntry("https://red.example/2024/07/nota/", "Nota", "2024-07-19T09:00:00-05:00",
                  None, "Ana Mamani")
    ]  # fmt: skip


RSS_TYPE = "application/rss+xml"


def test_a_malformed_feed_gives_what_comes_before_the_damage() -> None:
    items = "".join(
        f"<item><title>N{n}</title><link>https://r.example/{n}/</link></item>" for n in range(3)
    )
    body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>{items}<item><ti"
    found = parse_feed(body.encode(), "https://r.example/feed/", 10, RSS_TYPE)
    assert found.format == "rss20" and found.problem
    assert [entry.url for entry in found.entries] == [f"https://r.example/{n}/" for n in range(3)]
    bounded = parse_feed(body.encode(), "https://r.example/feed/", 2, RSS_TYPE)
    assert (len(bounded.entries), bounded.left_out) == (2, 1)


def test_a_page_is_no_feed() -> None:
    found = parse_feed(b"<html><body>Not found</body></html>", "https://r.example/feed/", 10)
    assert found.format is None and found.entries == []


def test_sitemaps_index_news_and_gzip() -> None:
    site = build("wordpress", "https://red.example")
    index = parse_sitemap(site.pages["/sitemap_index.xml"][1].encode(), 100, 10_000)
    assert index.format == "sitemapindex"
    assert index.sitemaps == [
        "https://red.example/post-sitemap.xml", "https://red.example/news-sitemap.xml"
    ]  # fmt: skip
    news = parse_sitemap(gzip.compress(site.pages["/news-sitemap.xml"][1].encode()), 100, 10**6)
    first, only, other = news.entries
    assert (first.url, first.published_at, first.keywords) == (
        "https://red.example/2024/07/wordpress-nota-1/", "2024-07-20T09:00:00-05:00",
        ("Perú", "Minería"),
    )  # fmt: skip
    assert only.title == "Una nota que solo el sitemap lista"
    assert other.published_at == "2024-07-20"  # a date stays a date
    cut = parse_sitemap(gzip.compress(site.pages["/post-sitemap.xml"][1].encode()), 2, 300)
    assert cut.problem and cut.problem.startswith("cut at 300 bytes")
    assert parse_sitemap(b"User-agent: *", 10, 100).format is None


# The archive's record of them: both backends.


def fetch(kind: str, url: str, entries: list[FeedEntry], **fields) -> FeedFetch:
    values = {"site": "news.example.org", "found_by": "link", "outcome": "read",
              "fetched_at": "2024-08-01T12:00:00+00:00"}  # fmt: skip
    return FeedFetch(kind, url, entries=entries, **(values | fields))


def test_feeds_fill_what_listings_left_out_and_sitemaps_keep_what_concerns_the_archive(
    archive: Archive,
) -> None:
    start = "https://news.example.org/tag/peru/"
    dated = story(1, published_at="2024-07-30", date_source="time")
    run = stored(archive, [dated, story(2), story(3, author="Listing Author")])
    archive.walks.record(run, [ListingWalk(start, WalkMode.FULL, 1, 3, "Peru", "news.example.org",
                                           WalkEnd.LAST_PAGE, last_page=1)])  # fmt: skip
    feed = fetch(
        "feed", start + "feed/",
        [
            FeedEntry(story(1).url, "H1", "2024-07-31T10:00:00-05:00", "2024-08-01T08:00:00-05:00", "Ana"),
            FeedEntry(story(2).url, "H2", "2024-07-29T10:00:00-05:00", None, "Ana"),
            FeedEntry(story(3).url, "H3", None, None, "Feed Author"),
            FeedEntry("https://news.example.org/2024/07/hidden/", "Hidden", "2024-07-31T12:00:00-05:00"),
        ],
        start_url=start, tag="Peru",
    )  # fmt: skip
    sitemap = fetch(
        "sitemap", "https://news.example.org/news-sitemap.xml",
        [
            FeedEntry(story(2).url, modified_at="2024-08-01T09:00:00-05:00"),
            FeedEntry("https://news.example.org/2024/07/named/", "Named", keywords=("PERÚ",)),
            FeedEntry("https://news.example.org/2024/07/unrelated/", "Other", keywords=("Economía",)),
        ],
        found_by="index",
    )  # fmt: skip
    later = archive.runs.begin([start])
    result = archive.feeds.record(later, [feed, sitemap])
    assert (result.sightings, result.dated) == (6, 1)
    by_url = {s["url"]: s for s in archive.read.iter_stories()}
    # The listing's date and author come first; the feed fills only what it left out.
    assert (by_url[story(1).url]["published_at"], by_url[story(1).url]["date_source"]) == (
        "2024-07-30", "time",
    )  # fmt: skip
    assert (by_url[story(2).url]["published_at"], by_url[story(2).url]["date_source"]) == (
        "2024-07-29T10:00:00-05:00", "feed",
    )  # fmt: skip
    assert by_url[story(2).url]["author"] == "Ana"
    assert by_url[story(3).url]["author"] == "Listing Author"
    assert archive.read.story(story(2).url)["modified_at"] == "2024-08-01T09:00:00-05:00"
    assert archive.read.story(story(1).url)["modified_at"] == "2024-08-01T08:00:00-05:00"
    # Filling a gap is no change by the site.
    assert archive.read.versions(archive.read.story(story(2).url)["id"]) == []
    coverage = archive.coverage.per_start_url()
    assert len(coverage) == 1
    row = coverage[0]
    assert row.feed_url == start + "feed/"
    # The feed's hidden story, and the sitemap entry whose keywords name the tag ("PERÚ"):
    # never on the listing. The unrelated sitemap entry is not kept at all.
    assert row.feed_only == [
        "https://news.example.org/2024/07/hidden/", "https://news.example.org/2024/07/named/"
    ]  # fmt: skip
    assert (row.stories, row.in_feed, row.in_sitemap, row.dated_by_feed) == (3, 3, 1, 1)
    assert row.listing_only == 0
    kept = "SELECT count(*) FROM feed_sightings WHERE url LIKE :like"
    assert rows_of(archive, kept, like="%unrelated%") == [(0,)]


def rows_of(archive: Archive, sql: str, **params: str) -> list[tuple]:
    with archive.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


# Crawls of loopback sites.


@pytest.fixture
def family_sites():
    """The four sites, each on its own loopback server: {family: (site, base URL)}."""
    servers, found = [], {}
    for family in FAMILIES:
        pages: dict[str, tuple[str, str]] = {}
        server = serve_site(pages)
        base = server.__enter__()
        servers.append(server)
        site = build(family, base)
        pages.update(site.pages)
        found[family] = (site, base)
    yield found
    for server in servers:
        server.__exit__(None, None, None)


def coverage_of(cli, db: str) -> dict[str, dict]:
    result = cli("coverage", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    return {row["tag"]: row for row in map(json.loads, result.stdout.splitlines())}


def warc_kinds(folder: Path) -> list[str]:
    """The kind each metadata record of the WARC files in `folder` names (listing if none)."""
    kinds = []
    for path in folder.glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "metadata":
                    lines = record.content_stream().read().decode().splitlines()
                    named = [line.partition(": ")[2] for line in lines if line.startswith("kind:")]
                    kinds.append(named[0] if named else "listing")
    return kinds


def test_each_cms_feed_is_found_and_checked_against_its_listing(
    family_sites, db: str, tmp_path: Path, cli
) -> None:
    starts = [base + site.start for site, base in family_sites.values()]
    warc = tmp_path / "warc"
    first = run_cli("crawl", *starts, "--db", db, "--warc-dir", str(warc), *FAST)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # a site's missing sitemap is normal: no warning
    found = coverage_of(cli, db)
    for family, (site, base) in family_sites.items():
        row = found[site.tag]
        assert row["start_url"] == base + site.start
        assert row["feed_url"] == base + site.feed, family
        assert (row["stories"], row["deepest_page"], row["walk_complete"]) == (6, 3, True)
        hidden = [base + site.hidden.path]
        if family == "wordpress":  # and the news sitemap's entry that names the tag
            hidden.append(base + SITEMAP_ONLY)
        assert row["feed_only"] == hidden, family
        # Story 2 is newer than the feed's oldest entry and not in the feed; 5 and 6 are older.
        assert row["listing_only"] == 1, family
        assert (row["in_feed"], row["dated_by_feed"]) == (len(IN_FEED), 1)
        assert row["oldest_published"].startswith("2024-07-15")
        story_date = "SELECT published_at, date_source, author FROM stories WHERE url = :url"
        undated = base + site.entries[UNDATED - 1].path
        assert rows(db, story_date, url=undated) == [
            ("2024-07-17T09:00:00-05:00", "feed", "Rosa Quispe")
        ]
        shown = rows(db, story_date, url=base + site.entries[NOT_IN_FEED - 1].path)
        assert shown[0][1] != "feed" and shown[0][2] is None
    wordpress = found["Perú"]
    assert wordpress["sitemap_urls"] == [
        family_sites["wordpress"][1] + "/news-sitemap.xml",
        family_sites["wordpress"][1] + "/post-sitemap.xml",
    ]
    assert wordpress["in_sitemap"] == 6
    # WordPress names its tag feed; the others are found by their CMS's convention.
    assert sorted(rows(db, "SELECT found_by, outcome FROM feed_fetches WHERE kind = 'feed'")) == [
        ("blogger", "read"), ("drupal", "read"), ("ghost", "read"), ("link", "read"),
    ]  # fmt: skip
    # Every feed and sitemap answer is in the run's WARC file, its metadata naming its kind.
    kinds = warc_kinds(warc)
    assert kinds.count("listing") == 12 and kinds.count("feed") == 4
    assert kinds.count("robots") == 4 and kinds.count("sitemap") >= 3
    unrecorded = "SELECT count(*) FROM feed_fetches WHERE outcome = 'read' AND warc_offset IS NULL"
    assert rows(db, unrecorded) == [(0,)]
    if db.endswith(".sqlite"):  # the browser's query and the report give the same figures
        browsed = {row[1]: row for row in rows(db, COVERAGE_SQL)}
        for tag, row in found.items():
            assert browsed[tag][3:8] == (
                row["stories"], row["newest_published"], row["oldest_published"],
                row["deepest_page"], row["walk_complete"],
            )  # fmt: skip
            assert browsed[tag][11:15] == (
                row["feed_url"], len(row["feed_only"]), row["listing_only"], row["dated_by_feed"],
            )  # fmt: skip
            assert browsed[tag][15].split() == row["feed_only"]
        report = tmp_path / "report.html"
        assert cli("report", "--db", db, "--output", report).returncode == 0
        page = report.read_text(encoding="utf-8")
        assert "Completeness per tag" in page and found["Perú"]["feed_only"][1] in page
    # Re-extracting the run reads its listing pages only.
    reparsed = cli("reparse", "--db", db)
    assert reparsed.returncode == 0, reparsed.stderr
    assert rows(db, "SELECT count(*) FROM sightings") == [(24,)]
    # --no-feeds: the next run asks for none, and coverage keeps what the last feed said.
    second = run_cli("crawl", *starts, "--db", db, "--no-feeds", *FAST)
    assert second.returncode == 0, second.stderr
    assert rows(db, "SELECT count(*) FROM feed_fetches WHERE run_id = 2") == [(0,)]
    assert coverage_of(cli, db)["Perú"]["feed_only"] == found["Perú"]["feed_only"]


def test_a_malformed_and_a_huge_feed_are_warnings_and_the_crawl_goes_on(
    tmp_path: Path, cli
) -> None:
    db = str(tmp_path / "a.sqlite")
    pages: dict[str, tuple[str, str]] = {}
    with serve_site(pages) as base:
        site = build("wordpress", base)
        pages.update(site.pages)
        items = "".join(
            f"<item><title>Nota {n}</title><link>{base}/archivo/{n}/</link></item>"
            for n in range(3000)
        )
        pages["/tag/peru/feed/"] = (
            RSS_TYPE, f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>{items}"
            "</channel></rss>",
        )  # fmt: skip
        litio = build("wordpress", base)
        for path, (kind, body) in litio.pages.items():
            if path.startswith("/tag/peru/") and kind.startswith("text/html"):
                moved = path.replace("/tag/peru/", "/tag/litio/")
                pages[moved] = (kind, body.replace("/tag/peru/", "/tag/litio/"))
        pages["/tag/litio/feed/"] = (RSS_TYPE, site.pages["/tag/peru/feed/"][1][:700])
        kind, robots = pages["/robots.txt"]
        pages["/robots.txt"] = (kind, robots.replace("Disallow:", "Disallow: /post-sitemap.xml"))
        crawl = run_cli(
            "crawl", base + "/tag/peru/", base + "/tag/litio/", "--db", db,
            "-s", "NEWSARCHIVE_FEED_MAXSIZE=20000", "--warc-dir", str(tmp_path / "warc"), *FAST,
        )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr
    warnings = crawl.stderr.splitlines()
    assert any(f"feed {base}/tag/peru/feed/: larger than 20000 bytes" in w for w in warnings)
    assert any(f"feed {base}/tag/litio/feed/: malformed" in w for w in warnings)
    assert all(line.startswith("newsarchive: warning: feed ") for line in warnings)
    assert rows(db, "SELECT status, errors FROM crawl_runs") == [("finished", 0)]
    fetched = dict(rows(db, "SELECT url, outcome FROM feed_fetches WHERE kind = 'feed'"))
    assert fetched == {base + "/tag/peru/feed/": "cut", base + "/tag/litio/feed/": "malformed"}
    # A sitemap robots.txt disallows is not fetched, and that is no warning either.
    refused = "SELECT outcome FROM feed_fetches WHERE url LIKE '%post-sitemap.xml'"
    assert rows(db, refused) == [("refused",)]
    cut_entries = rows(db, f"SELECT entries FROM feed_fetches WHERE url = '{base}/tag/peru/feed/'")
    assert 0 < cut_entries[0][0] < 3000
    assert rows(db, "SELECT count(*) FROM stories") == [(6,)]  # both listings, the same stories
    truncated = []
    for path in (tmp_path / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            truncated += [
                record.rec_headers.get_header("WARC-Target-URI")
                for record in ArchiveIterator(stream)
                if record.rec_headers.get_header("WARC-Truncated") == "length"
            ]
    assert truncated == [base + "/tag/peru/feed/"]
