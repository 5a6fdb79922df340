"""Articles end to end: a loopback site, `newsarchive crawl --articles`, then a later
`newsarchive articles --recheck` after the site rewrote one article and deleted another."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from newsarchive.warc import read_pages
from tests.faultserver import huge, page, stall, status
from tests.helpers import FAST, FIXTURES, rows, run_cli
from tests.servers import recording_server

SITE = FIXTURES / "articles_site"
A = "/2024/07/"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the fixture site that a test may change between runs."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    return root


def crawl(base: str, db: str, *args: str) -> None:
    result = run_cli("crawl", f"{base}/tag/andes/", f"{base}/tag/agua/", "--db", db, *args, *FAST)
    assert result.returncode == 0, result.stderr


def test_crawl_with_articles_then_a_recheck(site: Path, db: str, serve, cli) -> None:
    base = serve(site)
    crawl(base, db, "--articles")
    # Every listed story was followed once; the two URLs of the dam story are one story.
    stories = dict(rows(db, "SELECT url, id FROM stories"))
    assert sorted(url.removeprefix(base + A) for url in stories) == [
        "cambia/", "desaparece/", "exclusiva/", "huelga-minera/", "litio-consulta/",
        "reforma-agraria/", "represa/", "sin-metadatos/",
    ]  # fmt: skip
    articles = {
        url.removeprefix(base + A): (status, words)
        for url, status, words in rows(
            db,
            "SELECT s.url, a.status, a.words FROM articles a JOIN stories s ON s.id = a.story_id",
        )
    }
    assert {slug: status for slug, (status, _) in articles.items()} == {
        "cambia/": "ok", "desaparece/": "ok", "exclusiva/": "error", "huelga-minera/": "ok",
        "litio-consulta/": "ok", "reforma-agraria/": "redirected", "represa/": "ok",
        "sin-metadatos/": "ok",
    }  # fmt: skip
    # Text for every article that has one (the paywall stub has none worth keeping).
    assert all(
        words and words > 40 for slug, (_, words) in articles.items() if slug != "exclusiva/"
    )
    assert rows(db, "SELECT reason, text FROM articles WHERE status = 'error'") == [
        ("paywall stub", None)
    ]
    # The listing gave no date or author for the strike: the article did.
    huelga = base + A + "huelga-minera/"
    assert rows(
        db, "SELECT published_at, date_source, author FROM stories WHERE url = :u", u=huelga
    ) == [("2024-07-23T14:30:00-04:00", "article", "Julián Quispe")]
    # Listed without its trailing slash, redirected to its canonical URL: keyed by that URL.
    assert rows(db, "SELECT url FROM story_aliases ORDER BY url") == [
        (base + A + "reforma-agraria",), (base + A + "represa/amp/",),
    ]  # fmt: skip
    represa = stories[base + A + "represa/"]
    assert rows(
        db,
        "SELECT t.name FROM story_tags s JOIN tags t ON t.id = s.tag_id "
        "WHERE s.story_id = :s ORDER BY 1",
        s=represa,
    ) == [("Agua",), ("Andes",)]
    # The article pages are in the run's WARC file, each with its record's offset.
    (warc,) = rows(db, "SELECT path FROM warc_files")[0]
    recorded = {p.url: p for p in read_pages(Path(warc)) if p.kind == "article"}
    assert base + A + "litio-consulta/" in recorded
    assert (
        base + A + "reforma-agraria" in recorded
        and recorded[base + A + "reforma-agraria"].status == 301
    )
    offsets = dict(rows(db, "SELECT url, warc_offset FROM articles"))
    assert offsets[base + A + "litio-consulta/"] == recorded[base + A + "litio-consulta/"].offset
    # A rerun fetches no article again.
    crawl(base, db, "--articles", "--full")
    assert rows(db, "SELECT count(*) FROM article_versions WHERE run_id = 2") == [(0,)]

    # The site rewrites one article and deletes another; a re-check records both.
    shutil.copy(site / "changed" / "cambia.html", site / "2024" / "07" / "cambia" / "index.html")
    shutil.rmtree(site / "2024" / "07" / "desaparece")
    recheck = run_cli("articles", "--db", db, "--recheck", *FAST)
    assert recheck.returncode == 0, recheck.stderr
    changes = rows(
        db,
        "SELECT s.url, v.kind, v.words_changed FROM article_versions v "
        "JOIN stories s ON s.id = v.story_id WHERE v.run_id = 3 ORDER BY v.id",
    )
    assert [(url.removeprefix(base + A), kind) for url, kind, _ in changes] == [
        ("cambia/", "title"),
        ("cambia/", "correction"),
        ("desaparece/", "deleted"),
    ] or sorted(changes) == sorted(changes)  # order of fetches may vary
    assert sorted((url.removeprefix(base + A), kind) for url, kind, _ in changes) == [
        ("cambia/", "correction"), ("cambia/", "title"), ("desaparece/", "deleted"),
    ]  # fmt: skip
    assert {size for url, kind, size in changes if kind == "title"} == {27}
    history = cli("history", base + A + "cambia/", "--db", db)
    assert "title, 27 words changed" in history.stdout
    assert "title: Derrame de relaves contamina el río Ramis" in history.stdout
    assert "not in the archive" in cli("history", base + A + "nada/", "--db", db).stderr
    # The history of the AMP URL is the dam story's.
    assert (
        "Also listed as " + base + A + "represa/amp/"
        in cli("history", base + A + "represa/amp/", "--db", db).stdout
    )

    exported = cli("export", "--db", db, "--format", "csv")
    records = {r["url"]: r for r in csv.DictReader(io.StringIO(exported.stdout))}
    assert records[base + A + "desaparece/"]["article_status"] == "deleted"
    assert records[base + A + "desaparece/"]["article_text"].startswith("El alcalde anunció")
    assert records[base + A + "cambia/"]["article_title"].startswith("Derrame de relaves contamina")
    assert records[huelga]["article_authors"] == "Julián Quispe"
    assert records[huelga]["article_language"] == "es"
    lean = cli("export", "--db", db, "--format", "csv", "--fields", "url,headline")
    assert lean.stdout.splitlines()[0] == "url,headline"
    found = cli("search", "Coata", "--db", db)
    assert base + A + "cambia/" in found.stdout


def test_recheck_ages_fetch_articles_again_in_a_later_run(site: Path, db_path: Path) -> None:
    db = str(db_path)
    with recording_server(site) as (base, hits):
        crawl(base, db, "--articles")
        article = A + "litio-consulta/"
        assert [hit.path for hit in hits].count(article) == 1
        _age(db, days=2)  # two days later
        crawl(base, db, "--articles", "--recheck", "1d,7d")
        assert [hit.path for hit in hits].count(article) == 2
        # Re-checked at one day: the next is due at seven (which `due` tests say).
        assert rows(db, "SELECT count(*) FROM articles WHERE run_id = 2") == [(8,)]


def _age(db: str, days: int) -> None:
    """Move every article's fetch times back by `days`, as if that much time had passed."""
    from sqlalchemy import create_engine, text

    from newsarchive.storage.engine import database_url

    engine = create_engine(database_url(db))
    with engine.begin() as conn:
        for row in conn.execute(
            text("SELECT story_id, first_fetched_at, fetched_at FROM articles")
        ).all():
            first, last = (_parsed(value) for value in row[1:])
            conn.execute(
                text(
                    "UPDATE articles SET first_fetched_at = :f, fetched_at = :l WHERE story_id = :s"
                ),
                {"f": _stored(conn, first, days), "l": _stored(conn, last, days), "s": row[0]},
            )
    engine.dispose()


def _parsed(value):
    from datetime import datetime

    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _stored(conn, moment, days: int):
    from datetime import timedelta

    moved = moment - timedelta(days=days)
    return moved.strftime("%Y-%m-%d %H:%M:%S.%f") if conn.dialect.name == "sqlite" else moved


LISTING = """<!DOCTYPE html><html lang="en"><head><title>Andes &#8211; Wire</title></head>
<body class="archive tag"><main id="main" class="site-main">
<header class="page-header"><h1 class="page-title">Tag: <span>Andes</span></h1></header>
{entries}</main></body></html>"""
ENTRY = """<article class="post type-post hentry"><header class="entry-header">
<h2 class="entry-title"><a href="/news/{slug}/" rel="bookmark">{title}</a></h2></header>
<div class="entry-summary"><p>Teaser of the story about {title}.</p></div></article>"""
ARTICLE = """<html lang="en"><head><title>{0}</title></head><body><article><h1>{0}</h1>
<p>Long enough text about {0}, with a second clause so that it reads as an article body.</p>
<p>Another paragraph follows, naming the people and places of the story in some detail.</p>
</article></body></html>"""


def test_failed_articles_never_fail_the_listing_crawl(faults, db_path: Path) -> None:
    db = str(db_path)
    slugs = ["ok-story", "missing", "server-error", "pdf", "huge", "slow", "robots"]
    entries = "".join(
        ENTRY.format(slug=slug, title=slug.replace("-", " ").title()) for slug in slugs
    )
    listing = faults.route("/tag/andes/", page(LISTING.format(entries=entries)))
    faults.route(
        "/robots.txt", page("User-agent: *\nDisallow: /news/robots/\n", content_type="text/plain")
    )
    faults.route("/news/ok-story/", page(ARTICLE.format("Ok Story")))
    faults.route("/news/missing/", status(404))
    faults.route("/news/server-error/", status(503))
    faults.route("/news/pdf/", page(b"%PDF-1.4", content_type="application/pdf"))
    faults.route("/news/huge/", huge(400_000))
    faults.route("/news/slow/", stall(b"<html><body><p>Start"))
    settings = ["-s", "DOWNLOAD_TIMEOUT=2", "-s", "NEWSARCHIVE_ARTICLE_MAXSIZE=100000",
                "-s", "NEWSARCHIVE_ARTICLE_ATTEMPTS=2"]  # fmt: skip

    def run() -> None:
        result = run_cli("crawl", listing, "--db", db, "--articles", "--full", *settings, *FAST)
        assert result.returncode == 0, result.stderr

    run()
    assert rows(db, "SELECT status FROM crawl_runs") == [("finished",)]
    found = {
        url.rsplit("/", 2)[-2]: (status, reason, attempts)
        for url, status, reason, attempts in rows(
            db, "SELECT url, status, reason, attempts FROM articles"
        )
    }
    assert found["ok-story"] == ("ok", None, 0)
    assert found["missing"] == ("deleted", "HTTP 404", 0)
    assert found["server-error"] == ("error", "HTTP 503", 1)
    assert found["pdf"][0] == "error" and found["pdf"][1].startswith("not HTML")
    assert found["huge"][0] == found["slow"][0] == "error"
    assert found["robots"] == ("error", "forbidden by robots.txt", 1)
    assert len(faults.hits("/news/robots/")) == 0
    # A later run tries the failed ones again (up to NEWSARCHIVE_ARTICLE_ATTEMPTS in a row).
    run()
    assert len(faults.hits("/news/server-error/")) == 2 and len(faults.hits("/news/ok-story/")) == 1
    assert len(faults.hits("/news/missing/")) == 1  # gone is no failure: re-checks look again
    assert rows(db, "SELECT max(attempts) FROM articles") == [(2,)]


def test_the_article_budget_and_fetching_the_rest_later(site: Path, db_path: Path, serve) -> None:
    db, base = str(db_path), serve(site)
    crawl(base, db, "--articles", "--max-articles", "3")
    assert rows(db, "SELECT count(*) FROM articles") == [(3,)]
    rest = run_cli("articles", "--db", db, "--tag", "Andes", "--limit", "2", *FAST)
    assert rest.returncode == 0, rest.stderr
    assert rows(db, "SELECT count(*) FROM articles") == [(5,)]
    assert rows(db, "SELECT status, pages, stories_new FROM crawl_runs ORDER BY id") == [
        ("finished", 2, 9), ("finished", 0, 0),  # 9: the AMP URL was a story until merged
    ]  # fmt: skip


def test_bad_article_options_are_usage_errors(db_path: Path, cli) -> None:
    for args in (
        ["crawl", "http://127.0.0.1:9/tag/x/", "--recheck", "1d"],
        ["crawl", "http://127.0.0.1:9/tag/x/", "--articles", "--recheck", "soon"],
        ["crawl", "http://127.0.0.1:9/tag/x/", "--articles", "--max-articles", "0"],
        ["articles", "--recheck", "7x"],
        ["articles", "--limit", "0"],
    ):
        result = cli(*args, "--db", str(db_path))
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1, result.stderr
    assert not db_path.exists()
