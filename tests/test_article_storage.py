"""Storing article fetches, on SQLite and PostgreSQL: versions by kind, fields filled from the
article, stories keyed by their canonical URL (merged, history kept), and what to fetch when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsarchive.items import ArticleFields, ArticlePage, Capture
from newsarchive.status import ArticleChange, ArticleStatus
from newsarchive.storage import Archive, StoryFilter
from tests.helpers import rows, stored, story

T0 = "2024-08-01T12:05:00+00:00"
T1 = "2024-08-02T12:05:00+00:00"


def fetch(n: int, fetched_at: str = T0, status: str = ArticleStatus.OK, **fields) -> ArticlePage:
    url = story(n).url
    values = {"title": f"Title {n}", "text": f"First paragraph of story {n}.\nSecond one."}
    return ArticlePage(
        story_url=url,
        url=url,
        final_url=fields.pop("final_url", url),
        status=status,
        fetched_at=fetched_at,
        http_status=fields.pop("http_status", 200),
        reason=fields.pop("reason", None),
        fields=ArticleFields(**(values | fields)) if status in ("ok", "redirected") else None,
    )


def versions(db: str) -> list[tuple]:
    return rows(db, "SELECT story_id, kind, words_changed FROM article_versions ORDER BY id")


def test_fetches_make_versions_of_each_kind(archive: Archive, db: str) -> None:
    run = stored(archive, [story(1), story(2)])
    assert archive.articles.store(run, [fetch(1), fetch(2)]).changed == 2
    note = "Correction: an earlier version named the wrong river."
    rewritten = fetch(1, T1, title="Title 1, rewritten",
                      text=f"First paragraph of story 1.\nSecond one.\n{note}", corrections=[note])  # fmt: skip
    gone = fetch(2, T1, ArticleStatus.DELETED, http_status=410, reason="HTTP 410")
    result = archive.articles.store(run, [rewritten, gone])
    assert (result.stored, result.changed) == (2, 3)
    assert versions(db) == [
        (1, "first", None), (2, "first", None), (1, "title", 8), (1, "correction", 8),
        (2, "deleted", None),
    ]  # fmt: skip
    # The text goes with the first version of a fetch; a deletion keeps the text archived.
    assert rows(db, "SELECT kind, text IS NULL FROM article_versions WHERE id > 2") == [
        ("title", False), ("correction", True), ("deleted", True),
    ]  # fmt: skip
    assert rows(db, "SELECT status, http_status, title, text IS NULL FROM articles ORDER BY 1") == [
        ("deleted", 410, "Title 2", False), ("ok", 200, "Title 1, rewritten", False),
    ]  # fmt: skip
    # Fetching the same again changes nothing; a page back after a deletion is "restored".
    same = fetch(1, T1, title="Title 1, rewritten", text=rewritten.fields.text, corrections=[note])
    archive.articles.store(run, [same])
    archive.articles.store(run, [fetch(2, T1, text="Back again.")])
    assert versions(db)[5:] == [(2, "restored", 9)]  # 7 words gone, 2 new


def test_errors_keep_what_was_found_and_count_attempts(archive: Archive, db: str) -> None:
    run = stored(archive, [story(1), story(2)])
    archive.articles.store(run, [fetch(1)])
    failed = fetch(1, T1, ArticleStatus.ERROR, http_status=503, reason="HTTP 503")
    archive.articles.store(
        run, [failed, fetch(2, status=ArticleStatus.ERROR, reason="TimeoutError")]
    )
    archive.articles.store(run, [fetch(2, T1, status=ArticleStatus.ERROR, reason="TimeoutError")])
    assert rows(db, "SELECT story_id, status, reason, attempts, title FROM articles ORDER BY 1") == [
        (1, "error", "HTTP 503", 1, "Title 1"), (2, "error", "TimeoutError", 2, None),
    ]  # fmt: skip
    assert versions(db) == [(1, "first", None)]  # a failure is no change of the article
    urls = [story(1).url, story(2).url, story(3).url]
    assert archive.articles.wanted(urls, attempts=2) == {story(1).url, story(3).url}
    assert archive.articles.wanted(urls, attempts=3) == set(urls)


def test_a_paywall_stub_is_a_failure_that_keeps_the_text(archive: Archive, db: str) -> None:
    run = stored(archive, [story(1)])
    archive.articles.store(run, [fetch(1)])
    archive.articles.store(run, [fetch(1, T1, text="Subscribe to read.", paywalled=True)])
    assert rows(db, "SELECT status, reason, text FROM articles") == [
        ("error", "paywall stub", "First paragraph of story 1.\nSecond one.")
    ]
    assert [kind for _, kind, _ in versions(db)] == ["first", "paywalled"]


def test_the_article_fills_the_date_and_author_the_listing_lacked(
    archive: Archive, db: str
) -> None:
    run = stored(
        archive, [story(1, published_at=None), story(2, published_at="2024-07-30", author="Ana")]
    )
    fields = {"published_at": "2024-07-31T09:00:00-05:00", "authors": ["Eva Ríos", "Luis Paz"]}
    result = archive.articles.store(run, [fetch(1, **fields), fetch(2, **fields)])
    assert result.filled == 1
    assert rows(db, "SELECT published_at, date_source, author FROM stories ORDER BY id") == [
        ("2024-07-31T09:00:00-05:00", "article", "Eva Ríos, Luis Paz"),
        ("2024-07-30", None, "Ana"),  # the listing's values stay; the article's are kept beside
    ]
    assert rows(db, "SELECT filled, published_at, authors FROM articles ORDER BY story_id") == [
        ("published_at author", "2024-07-31T09:00:00-05:00", "Eva Ríos; Luis Paz"),
        (None, "2024-07-31T09:00:00-05:00", "Eva Ríos; Luis Paz"),
    ]


def test_two_listing_urls_with_one_canonical_become_one_story(archive: Archive, db: str) -> None:
    amp = story(1, url="https://news.example.org/2024/07/story-2/amp/", tag="Water",
                teaser=None, fetched_at="2024-07-31T12:00:00+00:00")  # fmt: skip
    run = stored(archive, [amp, story(2, headline="Old headline")])
    stored(archive, [story(2, fetched_at=T1)])  # a version of story 2
    canonical = story(2).url
    page = fetch(1, canonical_url=canonical)
    page.story_url = page.url = amp.url
    page.capture = None
    assert archive.articles.store(run, [page]).merged == 1
    assert rows(db, "SELECT url, teaser, first_seen_at < last_seen_at FROM stories") == [
        (canonical, "Teaser 2", True)
    ]
    (story_id,) = rows(db, "SELECT id FROM stories")[0]
    tags = rows(db, "SELECT t.name FROM story_tags s JOIN tags t ON t.id = s.tag_id ORDER BY 1")
    assert tags == [("Peru",), ("Water",)]
    assert rows(db, "SELECT count(*), min(story_id), max(story_id) FROM sightings") == [
        (3, story_id, story_id)
    ]
    assert rows(db, "SELECT story_id, headline FROM story_versions") == [(story_id, "Old headline")]
    assert rows(db, "SELECT url, story_id FROM story_aliases") == [(amp.url, story_id)]
    # The AMP URL listed again is a sighting of the one story, and known under its tag.
    again = stored(archive, [story(1, url=amp.url, tag="Water", fetched_at=T1)])
    assert rows(db, "SELECT count(*) FROM stories") == [(1,)]
    assert rows(db, f"SELECT count(*) FROM sightings WHERE run_id = {again}") == [(1,)]
    assert archive.read.known_urls([amp.url], ("news.example.org", "Water")) == {amp.url}
    assert archive.read.timeline(amp.url).story["url"] == canonical


def test_a_story_is_re_keyed_by_the_page_it_redirects_to(archive: Archive, db: str) -> None:
    listed = story(1, url="https://news.example.org/2024/07/story-1")
    run = stored(archive, [listed])
    page = fetch(1, final_url=story(1).url, status=ArticleStatus.REDIRECTED)
    page.story_url = page.url = listed.url
    archive.articles.store(run, [page])
    assert rows(db, "SELECT url FROM stories") == [(story(1).url,)]
    assert rows(db, "SELECT url FROM story_aliases") == [(listed.url,)]
    assert rows(db, "SELECT status FROM articles") == [("redirected",)]


def test_a_canonical_url_on_another_site_keeps_the_story(archive: Archive, db: str) -> None:
    run = stored(archive, [story(1)])
    archive.articles.store(run, [fetch(1, canonical_url="https://wire.example.com/original/")])
    assert rows(db, "SELECT url FROM stories") == [(story(1).url,)]


def test_due_articles(archive: Archive, db: str) -> None:
    run = stored(archive, [story(n) for n in range(1, 5)])
    now = datetime(2024, 8, 10, tzinfo=UTC)
    # Story 1 first fetched 2 days ago, 2 fetched 8 days ago and re-checked at 1 day,
    # 3 fetched an hour ago; story 4 never.
    for n, first, last in ((1, 2 * 24, 2 * 24), (2, 8 * 24, 7 * 24), (3, 1, 1)):
        archive.articles.store(run, [fetch(n, (now - timedelta(hours=first)).isoformat())])
        archive.articles.store(run, [fetch(n, (now - timedelta(hours=last)).isoformat())])
    day, week = 86400.0, 7 * 86400.0
    due = archive.articles.due
    assert [d.url for d in due(now=now)] == [story(4).url]
    assert sorted(d.url for d in due(recheck=(day, week), now=now)) == [story(1).url, story(2).url]
    assert [d.url for d in due(recheck=(day,), now=now)] == [story(1).url]
    assert len(due(every=True, now=now)) == 3
    assert due(every=True, limit=1, now=now)[0].url == story(3).url  # newest first
    assert due(where=StoryFilter(sites=("elsewhere.org",)), every=True, now=now) == []
    assert due(now=now)[0].listing_url == "https://news.example.org/tag/peru/"


def test_articles_are_found_by_search_and_exported(archive: Archive, db: str, cli) -> None:
    run = stored(archive, [story(1), story(2)])
    archive.articles.store(run, [fetch(1, text="Las llamas cruzan el salar de Uyuni.")])
    assert [hit["url"] for hit in archive.read.search("salar uyuni")] == [story(1).url]
    hit = archive.read.search("salar")[0]  # the snippet quotes the article, the match marked
    assert [hit["snippet"][start:end] for start, end in hit["matches"]["snippet"]] == ["salar"]
    # A story whose headline matches is found once, by its headline.
    assert sorted(hit["url"] for hit in archive.read.search("headline")) == [
        story(1).url, story(2).url,
    ]  # fmt: skip
    records = {record["url"]: record for record in archive.read.iter_stories()}
    assert records[story(1).url]["article_status"] == "ok"
    assert records[story(2).url]["article_status"] == "not_fetched"
    assert records[story(1).url]["article_text"] == "Las llamas cruzan el salar de Uyuni."
    assert isinstance(records[story(1).url]["article_fetched_at"], datetime)


def test_capture_offsets_name_the_warc_record(archive: Archive, db: str) -> None:
    run = stored(archive, [story(1)])
    page = fetch(1)
    page.capture = Capture("/data/warc/run.warc.gz", 1234)
    archive.articles.store(run, [page])
    assert rows(db, "SELECT w.path, a.warc_offset FROM articles a JOIN warc_files w "
                    "ON w.id = a.warc_file_id") == [("/data/warc/run.warc.gz", 1234)]  # fmt: skip
    assert ArticleChange.FIRST in {kind for _, kind, _ in versions(db)}
